//! Commodities and purchase requests: a kind (slug) and characteristics (name = value);
//! a commodity suits a request when its kind is the request's and it has every requested
//! characteristic (values compared ignoring case), within the price bound.

use tandem_mesh::status::InvalidField;

/// Most characteristics on a commodity or a request.
pub const MAX_CHARACTERISTICS: usize = 10;
/// Highest price of a commodity, in minor units.
pub const MAX_PRICE_MINOR: i64 = 10_000_000;
/// Highest stock of a commodity.
pub const MAX_STOCK: u32 = 100_000;

/// One characteristic, e.g. resolution = "4k".
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Characteristic {
    /// Lowercase slug.
    pub name: String,
    /// As given (trimmed); compared ignoring case.
    pub value: String,
}

impl Characteristic {
    /// `name=value` with the value lowercased: how analyses group characteristics.
    pub fn trait_key(&self) -> String {
        format!("{}={}", self.name, self.value.to_lowercase())
    }
}

/// What a purchase request asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Need {
    /// Commodity kind.
    pub kind: String,
    /// Every one must be matched; sorted by name.
    pub characteristics: Vec<Characteristic>,
    /// Highest acceptable price in minor units; `None` = any.
    pub max_price_minor: Option<i64>,
}

impl Need {
    /// Validates a request's kind, characteristics and price bound.
    pub fn parse(
        kind: &str,
        characteristics: &[(String, String)],
        max_price_minor: i64,
    ) -> Result<Self, InvalidField> {
        if max_price_minor < 0 {
            return Err(InvalidField::new(
                "max_price_minor_units",
                "must not be negative",
            ));
        }
        Ok(Self {
            kind: slug(kind, "kind")?,
            characteristics: characteristics_of(characteristics, "characteristics")?,
            max_price_minor: (max_price_minor > 0).then_some(max_price_minor),
        })
    }
}

/// A commodity as a seller adds or changes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommodityDraft {
    /// Commodity kind.
    pub kind: String,
    /// Display title.
    pub title: String,
    /// Sorted by name, names unique.
    pub characteristics: Vec<Characteristic>,
    /// Price in minor units of USD.
    pub price_minor: i64,
    /// Units in stock.
    pub stock: u32,
}

impl CommodityDraft {
    /// Validates every field of an upsert.
    pub fn parse(
        kind: &str,
        title: &str,
        characteristics: &[(String, String)],
        price: Option<(i64, &str)>,
        stock: u32,
    ) -> Result<Self, InvalidField> {
        let title = title.trim();
        if title.is_empty() || title.chars().count() > 120 || title.chars().any(char::is_control) {
            return Err(InvalidField::new(
                "title",
                "1–120 printable characters required",
            ));
        }
        let (price_minor, currency) =
            price.ok_or_else(|| InvalidField::new("price", "required"))?;
        if currency != "USD" {
            return Err(InvalidField::new("price.currency", "must be \"USD\""));
        }
        if !(1..=MAX_PRICE_MINOR).contains(&price_minor) {
            return Err(InvalidField::new(
                "price.minor_units",
                format!("must be between 1 and {MAX_PRICE_MINOR}"),
            ));
        }
        if stock > MAX_STOCK {
            return Err(InvalidField::new("stock", format!("at most {MAX_STOCK}")));
        }
        Ok(Self {
            kind: slug(kind, "kind")?,
            title: title.to_owned(),
            characteristics: characteristics_of(characteristics, "characteristics")?,
            price_minor,
            stock,
        })
    }
}

/// Whether a commodity of `kind` with `characteristics` at `price_minor` suits `need`.
pub fn matches(
    need: &Need,
    kind: &str,
    characteristics: &[Characteristic],
    price_minor: i64,
) -> bool {
    kind == need.kind
        && need.max_price_minor.is_none_or(|max| price_minor <= max)
        && need.characteristics.iter().all(|wanted| {
            characteristics
                .iter()
                .any(|c| c.name == wanted.name && c.value.eq_ignore_ascii_case(&wanted.value))
        })
}

/// A lowercase slug of 1–40 characters of a–z, 0–9 and '-'.
fn slug(raw: &str, field: &'static str) -> Result<String, InvalidField> {
    let s = raw.trim();
    let ok = !s.is_empty()
        && s.len() <= 40
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(s.to_owned())
    } else {
        Err(InvalidField::new(
            field,
            "1–40 characters of a–z, 0–9 and '-' required",
        ))
    }
}

/// Validated characteristics, sorted by name; names must be unique.
fn characteristics_of(
    raw: &[(String, String)],
    field: &'static str,
) -> Result<Vec<Characteristic>, InvalidField> {
    if raw.len() > MAX_CHARACTERISTICS {
        return Err(InvalidField::new(
            field,
            format!("at most {MAX_CHARACTERISTICS}"),
        ));
    }
    let mut out = Vec::with_capacity(raw.len());
    for (name, value) in raw {
        let name = slug(name, "characteristics.name")?;
        let value = value.trim();
        if value.is_empty() || value.chars().count() > 60 || value.chars().any(char::is_control) {
            return Err(InvalidField::new(
                "characteristics.value",
                "1–60 printable characters required",
            ));
        }
        out.push(Characteristic {
            name,
            value: value.to_owned(),
        });
    }
    out.sort();
    if out.windows(2).any(|w| w[0].name == w[1].name) {
        return Err(InvalidField::new(field, "each name at most once"));
    }
    Ok(out)
}
