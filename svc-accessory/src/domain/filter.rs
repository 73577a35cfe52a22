//! What a catalogue search may ask for, parsed and bounded before it reaches the store.

use tandem_mesh::status::InvalidField;
use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1::{DeviceCategory, SearchProductsRequest};
use tandem_proto::common::v1::VehicleClass;

/// Page size when the caller asks for none.
pub const DEFAULT_PAGE_SIZE: u64 = 20;
/// Largest page a caller may ask for.
pub const MAX_PAGE_SIZE: u64 = 100;
/// Longest accepted free-text query.
const MAX_TEXT_LEN: usize = 100;

/// A validated catalogue search.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProductFilter {
    /// Only this category.
    pub category: Option<DeviceCategory>,
    /// Only this maker (case-insensitive).
    pub maker: Option<String>,
    /// Only devices fitting this class.
    pub vehicle_class: Option<VehicleClass>,
    /// Lowercased substring of name, maker or model.
    pub text: Option<String>,
    /// Only devices at or below this price.
    pub max_price_minor: Option<i64>,
    /// Only devices in stock.
    pub in_stock_only: bool,
    /// Devices per page.
    pub page_size: u64,
    /// Continue after this product ID (keyset paging).
    pub after: Option<String>,
}

/// One page of a catalogue search.
#[derive(Debug)]
pub struct SearchPage {
    /// Devices on this page, by product ID.
    pub devices: Vec<super::Device>,
    /// Product ID to continue after, when more pages follow.
    pub next_after: Option<String>,
    /// Devices matching the filter across all pages.
    pub total: u64,
}

impl ProductFilter {
    /// Validates a search request.
    pub fn parse(req: &SearchProductsRequest) -> Result<Self, InvalidField> {
        let category = match req.category {
            0 => None,
            n => Some(DeviceCategory::try_from(n).map_err(|_| {
                InvalidField::new(
                    "category",
                    format!(
                        "unknown category {n}; one of {}",
                        DeviceCategory::all_slugs().join(", ")
                    ),
                )
            })?),
        };
        let vehicle_class = match req.vehicle_class {
            0 => None,
            n => Some(VehicleClass::try_from(n).map_err(|_| {
                InvalidField::new("vehicle_class", format!("unknown vehicle class {n}"))
            })?),
        };
        let text = non_empty(&req.text).map(str::to_lowercase);
        if text
            .as_ref()
            .is_some_and(|t| t.chars().count() > MAX_TEXT_LEN)
        {
            return Err(InvalidField::new(
                "text",
                format!("at most {MAX_TEXT_LEN} characters"),
            ));
        }
        if req.max_price_minor < 0 {
            return Err(InvalidField::new("max_price_minor", "must not be negative"));
        }
        let page = req.page.clone().unwrap_or_default();
        let page_size = match u64::from(page.page_size) {
            0 => DEFAULT_PAGE_SIZE,
            n if n > MAX_PAGE_SIZE => {
                return Err(InvalidField::new(
                    "page.page_size",
                    format!("at most {MAX_PAGE_SIZE}"),
                ));
            }
            n => n,
        };
        let after = non_empty(&page.page_token).map(str::to_owned);
        if after.as_ref().is_some_and(|t| {
            t.len() > 40 || !t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        }) {
            return Err(InvalidField::new(
                "page.page_token",
                "not a token from a previous response",
            ));
        }
        Ok(Self {
            category,
            maker: non_empty(&req.maker).map(str::to_owned),
            vehicle_class,
            text,
            max_price_minor: (req.max_price_minor > 0).then_some(req.max_price_minor),
            in_stock_only: req.in_stock_only,
            page_size,
            after,
        })
    }
}

fn non_empty(s: &str) -> Option<&str> {
    let s = s.trim();
    (!s.is_empty()).then_some(s)
}
