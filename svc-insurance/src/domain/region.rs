//! Rating regions by the first three digits of a US ZIP code.

/// A rating region: a band of ZIP prefixes sharing a claims-cost factor.
#[derive(Debug, PartialEq, Eq)]
pub struct Region {
    /// Display name.
    pub name: &'static str,
    /// First and last three-digit ZIP prefix of the band (inclusive).
    pub prefixes: (u16, u16),
    /// Premium multiplier in basis points (10000 = ×1).
    pub basis_points: u32,
}

/// The regions the insurer writes business in; prefixes outside them (000–004 are unused,
/// 962–966 are military post offices) have no region.
const REGIONS: &[Region] = &[
    Region {
        name: "New England",
        prefixes: (5, 69),
        basis_points: 10_800,
    },
    Region {
        name: "New York Metro",
        prefixes: (70, 149),
        basis_points: 12_200,
    },
    Region {
        name: "Mid-Atlantic",
        prefixes: (150, 219),
        basis_points: 10_500,
    },
    Region {
        name: "South Atlantic",
        prefixes: (220, 349),
        basis_points: 10_300,
    },
    Region {
        name: "Gulf & Tennessee Valley",
        prefixes: (350, 399),
        basis_points: 10_600,
    },
    Region {
        name: "Great Lakes",
        prefixes: (400, 499),
        basis_points: 9_800,
    },
    Region {
        name: "Upper Midwest",
        prefixes: (500, 599),
        basis_points: 8_900,
    },
    Region {
        name: "Central Plains",
        prefixes: (600, 699),
        basis_points: 9_600,
    },
    Region {
        name: "South Central",
        prefixes: (700, 799),
        basis_points: 11_100,
    },
    Region {
        name: "Mountain West",
        prefixes: (800, 899),
        basis_points: 9_700,
    },
    Region {
        name: "California",
        prefixes: (900, 961),
        basis_points: 12_500,
    },
    Region {
        name: "Pacific Northwest, Alaska & Hawaii",
        prefixes: (967, 999),
        basis_points: 10_400,
    },
];

/// The region of a five-digit ZIP code, if the insurer serves it.
pub fn region_of(zip: &str) -> Option<&'static Region> {
    let prefix: u16 = zip.get(..3)?.parse().ok()?;
    REGIONS
        .iter()
        .find(|r| (r.prefixes.0..=r.prefixes.1).contains(&prefix))
}
