//! Great-circle geometry: haversine distances and unit-sphere coordinates, in which the
//! straight-line (chord) distance grows monotonically with the great-circle distance.

/// Mean Earth radius (IUGG R1), in metres.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// A point on Earth in degrees (WGS 84).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LatLon {
    /// Latitude, −90 … 90.
    pub lat: f64,
    /// Longitude, −180 … 180.
    pub lon: f64,
}

impl LatLon {
    /// The point at `lat`, `lon` degrees.
    pub const fn new(lat: f64, lon: f64) -> Self {
        Self { lat, lon }
    }

    /// Whether both coordinates are finite and in range.
    pub fn is_valid(self) -> bool {
        self.lat.is_finite()
            && self.lon.is_finite()
            && (-90.0..=90.0).contains(&self.lat)
            && (-180.0..=180.0).contains(&self.lon)
    }

    /// The point on the unit sphere (x towards 0°N 0°E, z towards the North Pole).
    pub fn unit_vector(self) -> [f64; 3] {
        let (lat, lon) = (self.lat.to_radians(), self.lon.to_radians());
        let (sin_lat, cos_lat) = lat.sin_cos();
        let (sin_lon, cos_lon) = lon.sin_cos();
        [cos_lat * cos_lon, cos_lat * sin_lon, sin_lat]
    }
}

/// Great-circle distance between `a` and `b` in metres (haversine formula).
pub fn haversine_m(a: LatLon, b: LatLon) -> f64 {
    let (phi1, phi2) = (a.lat.to_radians(), b.lat.to_radians());
    let half_dphi = (phi2 - phi1) / 2.0;
    let half_dlambda = (b.lon - a.lon).to_radians() / 2.0;
    let h = half_dphi.sin().powi(2) + phi1.cos() * phi2.cos() * half_dlambda.sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// Squared chord length between two unit vectors.
#[inline]
pub fn chord2(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    let (dx, dy, dz) = (a[0] - b[0], a[1] - b[1], a[2] - b[2]);
    dx * dx + dy * dy + dz * dz
}

/// The great-circle distance in metres that a squared chord length spans.
pub fn chord2_to_m(chord2: f64) -> f64 {
    2.0 * EARTH_RADIUS_M * (chord2.max(0.0).sqrt() / 2.0).min(1.0).asin()
}

/// Metres as the contract's `uint32` (Earth's half circumference, ~20,015 km, fits).
pub fn whole_metres(metres: f64) -> u32 {
    // Saturating float→int conversion; a NaN becomes 0.
    metres.round() as u32
}
