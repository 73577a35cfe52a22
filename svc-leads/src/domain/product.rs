//! Product information (seed 001, FIG. 10): category (product line), model number,
//! catalogue / information number, special note and the related items — attachments,
//! consumables and options — a salesperson can offer with it.

use tandem_mesh::status::InvalidField;
use tandem_proto::leads::v1 as pb;

use super::text::{code, optional_line, required_line};

/// Longest model number.
pub const MAX_MODEL_CHARS: usize = 40;

/// What a related item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RelatedKind {
    /// Comes with it or fits onto it.
    Attachment,
    /// Used up in use (toner, paper, memory cards).
    Consumable,
    /// Can be added (finisher, extra camera).
    Option,
}

impl RelatedKind {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Attachment => "attachment",
            Self::Consumable => "consumable",
            Self::Option => "option",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Attachment, Self::Consumable, Self::Option]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    /// From the contract enum.
    pub fn from_proto(kind: pb::RelatedKind) -> Option<Self> {
        match kind {
            pb::RelatedKind::Attachment => Some(Self::Attachment),
            pb::RelatedKind::Consumable => Some(Self::Consumable),
            pb::RelatedKind::Option => Some(Self::Option),
            pb::RelatedKind::Unspecified => None,
        }
    }

    /// To the contract enum.
    pub fn to_proto(self) -> pb::RelatedKind {
        match self {
            Self::Attachment => pb::RelatedKind::Attachment,
            Self::Consumable => pb::RelatedKind::Consumable,
            Self::Option => pb::RelatedKind::Option,
        }
    }
}

/// An item related to a product.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RelatedItem {
    /// Attachment, consumable or option.
    pub kind: RelatedKind,
    /// Its model number (may be empty).
    pub model_number: String,
    /// Its name.
    pub name: String,
    /// A short note.
    pub note: String,
}

/// One product's information.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductInfo {
    /// The key.
    pub model_number: String,
    /// Display name.
    pub name: String,
    /// Product category / line, lower_snake_case.
    pub product_line: String,
    /// Catalogue / information number.
    pub info_number: String,
    /// Special note.
    pub special_note: String,
    /// Description.
    pub description: String,
    /// Maker.
    pub maker: String,
    /// The accessory seller's product ID when sold online.
    pub product_id: Option<String>,
    /// List price in minor units and its currency, when published.
    pub list_price: Option<(i64, String)>,
    /// Related items, in display order.
    pub related: Vec<RelatedItem>,
}

impl ProductInfo {
    /// The related items of one kind.
    pub fn related_of(&self, kind: RelatedKind) -> impl Iterator<Item = &RelatedItem> {
        self.related.iter().filter(move |r| r.kind == kind)
    }

    /// Validates product information from the admin contract.
    pub fn parse(msg: &pb::ProductInfo) -> Result<Self, InvalidField> {
        let related = msg
            .related
            .iter()
            .map(|r| {
                let kind = RelatedKind::from_proto(r.kind())
                    .ok_or_else(|| InvalidField::new("product.related.kind", "required"))?;
                Ok(RelatedItem {
                    kind,
                    model_number: optional_line(
                        "product.related.model_number",
                        &r.model_number,
                        MAX_MODEL_CHARS,
                    )?,
                    name: required_line("product.related.name", &r.name, 200)?,
                    note: optional_line("product.related.note", &r.note, 400)?,
                })
            })
            .collect::<Result<Vec<_>, InvalidField>>()?;
        let list_price = match &msg.list_price {
            Some(m) if m.minor_units < 0 => {
                return Err(InvalidField::new(
                    "product.list_price",
                    "must not be negative",
                ));
            }
            Some(m) if m.currency.len() != 3 => {
                return Err(InvalidField::new(
                    "product.list_price.currency",
                    "an ISO-4217 code such as USD",
                ));
            }
            Some(m) => Some((m.minor_units, m.currency.to_ascii_uppercase())),
            None => None,
        };
        let product_id = optional_line("product.product_id", &msg.product_id, 40)?;
        Ok(Self {
            model_number: parse_model_number("product.model_number", &msg.model_number)?,
            name: required_line("product.name", &msg.name, 200)?,
            product_line: code("product.product_line", &msg.product_line, 40)?,
            info_number: optional_line("product.info_number", &msg.info_number, 40)?,
            special_note: optional_line("product.special_note", &msg.special_note, 400)?,
            description: optional_line("product.description", &msg.description, 1000)?,
            maker: optional_line("product.maker", &msg.maker, 100)?,
            product_id: (!product_id.is_empty()).then_some(product_id),
            list_price,
            related,
        })
    }
}

/// A model number: 1–40 letters, digits, spaces and `- . / _ +`, trimmed; case kept.
pub fn parse_model_number(field: &'static str, raw: &str) -> Result<String, InvalidField> {
    let value = required_line(field, raw, MAX_MODEL_CHARS)?;
    if !value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || " -./_+".contains(c))
    {
        return Err(InvalidField::new(
            field,
            "letters, digits, spaces and - . / _ + only",
        ));
    }
    Ok(value)
}
