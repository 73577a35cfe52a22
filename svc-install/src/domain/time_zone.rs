//! Installers' time zones: the IANA zone of a US state (or territory) by its two-letter
//! code, and the parsing of a stored zone name. An installer's slots are local business
//! hours of its zone; clients show the UTC slot times in it.

use chrono_tz::Tz;

/// The IANA time zone of each US state, DC and the inhabited territories and freely
/// associated states the gazetteer has ZIP codes for. Where a state spans zones, its
/// most populous zone is given (an operator corrects an installer on the other side of
/// the line on its row):
/// - AK: Anchorage (the western Aleutians keep Hawaii–Aleutian time),
/// - AZ: Phoenix, no daylight saving time (the Navajo Nation keeps it),
/// - FL: Eastern (the western Panhandle is Central),
/// - ID: Boise, Mountain (the northern Panhandle is Pacific),
/// - IN: Indianapolis, Eastern (the counties near Chicago and Evansville are Central),
/// - KS, NE, ND, SD: Central (their western counties are Mountain),
/// - KY: Eastern (the western half is Central),
/// - MI: Detroit, Eastern (four counties on the Wisconsin border are Central),
/// - NV: Pacific (West Wendover is Mountain),
/// - OR: Pacific (most of Malheur County is Mountain),
/// - TN: Central, Nashville and Memphis (East Tennessee is Eastern),
/// - TX: Central (El Paso and Hudspeth counties are Mountain),
/// - FM: Chuuk (Pohnpei and Kosrae are an hour ahead).
pub const STATE_TIME_ZONES: &[(&str, &str)] = &[
    ("AL", "America/Chicago"),
    ("AK", "America/Anchorage"),
    ("AZ", "America/Phoenix"),
    ("AR", "America/Chicago"),
    ("CA", "America/Los_Angeles"),
    ("CO", "America/Denver"),
    ("CT", "America/New_York"),
    ("DE", "America/New_York"),
    ("DC", "America/New_York"),
    ("FL", "America/New_York"),
    ("GA", "America/New_York"),
    ("HI", "Pacific/Honolulu"),
    ("ID", "America/Boise"),
    ("IL", "America/Chicago"),
    ("IN", "America/Indiana/Indianapolis"),
    ("IA", "America/Chicago"),
    ("KS", "America/Chicago"),
    ("KY", "America/New_York"),
    ("LA", "America/Chicago"),
    ("ME", "America/New_York"),
    ("MD", "America/New_York"),
    ("MA", "America/New_York"),
    ("MI", "America/Detroit"),
    ("MN", "America/Chicago"),
    ("MS", "America/Chicago"),
    ("MO", "America/Chicago"),
    ("MT", "America/Denver"),
    ("NE", "America/Chicago"),
    ("NV", "America/Los_Angeles"),
    ("NH", "America/New_York"),
    ("NJ", "America/New_York"),
    ("NM", "America/Denver"),
    ("NY", "America/New_York"),
    ("NC", "America/New_York"),
    ("ND", "America/Chicago"),
    ("OH", "America/New_York"),
    ("OK", "America/Chicago"),
    ("OR", "America/Los_Angeles"),
    ("PA", "America/New_York"),
    ("RI", "America/New_York"),
    ("SC", "America/New_York"),
    ("SD", "America/Chicago"),
    ("TN", "America/Chicago"),
    ("TX", "America/Chicago"),
    ("UT", "America/Denver"),
    ("VT", "America/New_York"),
    ("VA", "America/New_York"),
    ("WA", "America/Los_Angeles"),
    ("WV", "America/New_York"),
    ("WI", "America/Chicago"),
    ("WY", "America/Denver"),
    // Territories and freely associated states.
    ("AS", "Pacific/Pago_Pago"),
    ("FM", "Pacific/Chuuk"),
    ("GU", "Pacific/Guam"),
    ("MH", "Pacific/Majuro"),
    ("MP", "Pacific/Saipan"),
    ("PR", "America/Puerto_Rico"),
    ("PW", "Pacific/Palau"),
    ("VI", "America/St_Thomas"),
];

/// The IANA time zone name of a US state or territory by its two-letter code (any case,
/// blanks ignored), e.g. "CA" → "America/Los_Angeles"; empty when it has none on file
/// (military "AA"/"AE"/"AP" codes, anything unknown).
pub fn time_zone_of_state(state: &str) -> &'static str {
    let state = state.trim();
    STATE_TIME_ZONES
        .iter()
        .find(|(code, _)| code.eq_ignore_ascii_case(state))
        .map_or("", |(_, zone)| zone)
}

/// A stored time zone name as a zone of the IANA database; `None` when empty or not a
/// zone it knows.
pub fn parse_time_zone(name: &str) -> Option<Tz> {
    name.trim().parse().ok()
}
