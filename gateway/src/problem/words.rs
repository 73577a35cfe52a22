//! Field errors in plain words: the label people know a request field by, and a
//! validation fragment ("must be 5 digits") told as a sentence about it.

/// What people call a request field: `conditions.postal_code` → "ZIP code".
pub fn field_label(field: &str) -> String {
    let known = match field {
        "address.line1" => Some("Street address"),
        "address.line2" => Some("Apartment or suite"),
        "card.number" => Some("Card number"),
        "card.cvc" => Some("Security code"),
        "card.expiry_month" => Some("Expiry month"),
        "card.expiry_year" => Some("Expiry year"),
        "card.holder_name" => Some("Name on the card"),
        _ => None,
    };
    if let Some(label) = known {
        return label.to_owned();
    }
    let last = field.rsplit('.').next().unwrap_or(field);
    let known = match last {
        "driver_age" => "Driver age",
        "vehicle_class" => "Vehicle class",
        "vehicle_year" => "Vehicle year",
        "annual_mileage" => "Annual mileage",
        "postal_code" | "zip" => "ZIP code",
        "options" => "Optional cover",
        "devices_per_plan" => "Devices per plan",
        "name" => "Name",
        "email" => "E-mail",
        "phone" => "Phone",
        "date_of_birth" => "Date of birth",
        "password" => "Password",
        "city" => "City",
        "region" => "State",
        "country" => "Country",
        "category" => "Category",
        "maker" => "Maker",
        "q" => "Search text",
        "max_price_minor" => "Highest price",
        "in_stock" => "In-stock filter",
        "page_size" => "Page size",
        "page_token" => "Page token",
        "vin" => "VIN",
        "plate" => "Licence plate",
        "slot_id" => "Installation time",
        "product_id" => "Device",
        "plan_id" => "Plan",
        other => {
            let words = other.replace(['_', '-'], " ");
            let mut chars = words.trim().chars();
            return match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => "This field".to_owned(),
            };
        }
    };
    known.to_owned()
}

/// Words a fragment may start with that read on after the field's label ("… must be").
const CONTINUES: &[&str] = &[
    "is ",
    "are ",
    "must ",
    "may ",
    "can ",
    "cannot ",
    "should ",
    "has ",
    "have ",
    "needs ",
    "was ",
    "does ",
    "do ",
    "names ",
    "contains ",
    "exceeds ",
];

/// `message` about `field` in plain words (see [`super::FieldError::new`]).
pub(super) fn plain_words(field: &str, message: &str) -> String {
    let message = message.trim();
    let label = field_label(field);
    let Some(first) = message.chars().next() else {
        return format!("{label} is not valid");
    };
    if first.is_uppercase() {
        return message.to_owned();
    }
    if let Some(rest) = message.strip_prefix("required")
        && (rest.is_empty() || rest.starts_with([';', ',', ':', ' ']))
    {
        return format!("{label} is required{rest}");
    }
    if CONTINUES.iter().any(|w| message.starts_with(w)) {
        return format!("{label} {message}");
    }
    if ["at most ", "at least ", "one of ", "a ", "an "]
        .iter()
        .any(|w| message.starts_with(w))
    {
        return format!("{label} must be {message}");
    }
    if message.starts_with("not ") {
        return format!("{label} is {message}");
    }
    format!("{label}: {message}")
}
