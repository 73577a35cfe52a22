//! Unit tests of the sales center's buy-back rules: normalised matching, the benefit
//! table and the throttle message.

use tandem_proto::accessory::v1::DeviceCategory;

use super::benefit::{BenefitRule, BenefitTable, UsedItem};
use super::matching::*;
use super::throttle;

fn registered() -> PersonalData {
    PersonalData {
        name: "Alex Morgan".into(),
        email: "Alex.Morgan@Example.com".into(),
        phone: "+1 415 555 0134".into(),
        postal_code: "94103".into(),
    }
}

#[test]
fn names_match_across_case_spaces_width_and_kana() {
    for (a, b) in [
        ("Alex Morgan", "  alex   MORGAN "),
        ("Alex Morgan", "ＡＬＥＸ　ＭＯＲＧＡＮ"),
        ("Alex Morgan", "AlexMorgan"),
        ("Mary-Ann O'Neil", "mary ann oneil"),
        ("やまだ たろう", "ヤマダ　タロウ"),
        ("ヤマダ タロウ", "ﾔﾏﾀﾞ ﾀﾛｳ"),
        ("ヤマダ・タロウ", "やまだたろう"),
        ("山田 太郎", "山田　太郎"),
    ] {
        assert_eq!(normalize_name(a), normalize_name(b), "{a} ~ {b}");
    }
    for (a, b) in [
        ("Alex Morgan", "Alex Morgen"),
        ("やまだ たろう", "やまだ じろう"),
        ("ﾀﾞ", "ﾀ"),
    ] {
        assert_ne!(normalize_name(a), normalize_name(b), "{a} !~ {b}");
    }
}

#[test]
fn emails_fold_case_width_and_spaces() {
    assert_eq!(
        normalize_email(" Alex.Morgan@EXAMPLE.com "),
        normalize_email("ａｌｅｘ．ｍｏｒｇａｎ＠ｅｘａｍｐｌｅ．ｃｏｍ")
    );
    assert_ne!(
        normalize_email("alex@example.com"),
        normalize_email("alex@example.org")
    );
}

#[test]
fn phones_match_in_national_and_international_formats() {
    for us in [
        "+1 415 555 0134",
        "(415) 555-0134",
        "415.555.0134",
        "1-415-555-0134",
        "001 415 555 0134",
        "４１５−５５５−０１３４",
    ] {
        assert_eq!(normalize_phone(us, "US"), "4155550134", "{us}");
    }
    for jp in [
        "090-1234-5678",
        "+81 90 1234 5678",
        "0081-90-1234-5678",
        "０９０１２３４５６７８",
    ] {
        assert_eq!(normalize_phone(jp, "JP"), "9012345678", "{jp}");
    }
    assert_ne!(
        normalize_phone("415 555 0135", "US"),
        normalize_phone("415 555 0134", "US")
    );
}

#[test]
fn postal_codes_ignore_spaces_dashes_and_zip_plus_four() {
    assert_eq!(normalize_postal("94103-2201", "US"), "94103");
    assert_eq!(normalize_postal(" 94103 ", "US"), "94103");
    assert_eq!(
        normalize_postal("〒100-0001", "JP"),
        normalize_postal("1000001", "JP")
    );
    assert_eq!(normalize_postal("sw1a 1aa", "GB"), "SW1A1AA");
    assert_ne!(normalize_postal("94104", "US"), "94103");
}

#[test]
fn every_field_must_match_and_each_mismatch_is_caught() {
    let entered = PersonalData {
        name: "ALEX  MORGAN".into(),
        email: "alex.morgan@example.COM".into(),
        phone: "(415) 555-0134".into(),
        postal_code: "94103-1234".into(),
    };
    assert!(matches(&entered, &registered(), "US"));
    let wrong = [
        PersonalData {
            name: "Alex Morgen".into(),
            ..entered.clone()
        },
        PersonalData {
            email: "alex@example.com".into(),
            ..entered.clone()
        },
        PersonalData {
            phone: "415 555 0199".into(),
            ..entered.clone()
        },
        PersonalData {
            postal_code: "94110".into(),
            ..entered.clone()
        },
    ];
    for (i, w) in wrong.iter().enumerate() {
        let fields = field_matches(w, &registered(), "US");
        assert!(!matches(w, &registered(), "US"), "field {i}");
        assert_eq!(
            fields.iter().filter(|m| !**m).count(),
            1,
            "only field {i} differs"
        );
        assert!(!fields[i]);
    }
    // Empty entries never match, even against an empty registration.
    assert!(!matches(
        &PersonalData::default(),
        &PersonalData::default(),
        "US"
    ));
    // The decoy never matches ordinary data.
    let (decoy, country) = decoy();
    assert!(!matches(&entered, &decoy, country));
}

fn rule(
    id: &str,
    maker: &str,
    model: &str,
    cat: DeviceCategory,
    used_maker: &str,
    used_model: &str,
    amount: i64,
) -> BenefitRule {
    BenefitRule {
        rule_id: id.into(),
        purchased_maker: maker.into(),
        purchased_model: model.into(),
        used_category: cat,
        used_maker: used_maker.into(),
        used_model: used_model.into(),
        amount_minor: amount,
        currency: "USD".into(),
        description: id.into(),
    }
}

fn item(cat: DeviceCategory, maker: &str, model: &str) -> UsedItem {
    UsedItem {
        category: cat,
        maker: maker.into(),
        model: model.into(),
    }
}

#[test]
fn the_benefit_varies_by_maker_and_model_of_goods_bought_and_used_item() {
    let table = BenefitTable {
        rules: vec![
            rule(
                "any",
                "Roadlens",
                "",
                DeviceCategory::Unspecified,
                "",
                "",
                1_000,
            ),
            rule(
                "dashcam",
                "Roadlens",
                "",
                DeviceCategory::Dashcam,
                "",
                "",
                2_000,
            ),
            rule(
                "vigil",
                "Roadlens",
                "",
                DeviceCategory::Dashcam,
                "Vigil",
                "",
                3_500,
            ),
            rule(
                "upgrade",
                "Roadlens",
                "RL-2 Duo",
                DeviceCategory::Dashcam,
                "Roadlens",
                "RL-1",
                5_000,
            ),
            rule(
                "nav",
                "Navora",
                "",
                DeviceCategory::CarNavigation,
                "",
                "",
                2_500,
            ),
        ],
    };
    let benefit = |maker: &str, model: &str, used: UsedItem| {
        table
            .benefit_for(maker, model, &used)
            .map(|r| r.rule_id.clone())
    };
    // Goods bought: model matters (the upgrade bonus is for the RL-2 Duo only).
    assert_eq!(
        benefit(
            "Roadlens",
            "RL-2 Duo",
            item(DeviceCategory::Dashcam, "roadlens", "rl-1")
        )
        .as_deref(),
        Some("upgrade")
    );
    assert_eq!(
        benefit(
            "Roadlens",
            "RL-1",
            item(DeviceCategory::Dashcam, "Roadlens", "RL-1")
        )
        .as_deref(),
        Some("dashcam")
    );
    // Used item: maker and category matter.
    assert_eq!(
        benefit(
            "Roadlens",
            "RL-1",
            item(DeviceCategory::Dashcam, "Vigil", "V360")
        )
        .as_deref(),
        Some("vigil")
    );
    assert_eq!(
        benefit(
            "Roadlens",
            "RL-1",
            item(DeviceCategory::TheftTracker, "Trackwell", "TW-GPS")
        )
        .as_deref(),
        Some("any")
    );
    // Maker of the goods bought: another maker's rules never apply.
    assert_eq!(
        benefit(
            "Navora",
            "NX-700",
            item(DeviceCategory::Dashcam, "Vigil", "V360")
        ),
        None
    );
    assert_eq!(
        benefit(
            "Navora",
            "NX-700",
            item(DeviceCategory::CarNavigation, "Waylight", "WL-5")
        )
        .as_deref(),
        Some("nav")
    );
    // Targeted goods are those with a rule.
    assert!(table.targeted("roadlens", "anything"));
    assert!(!table.targeted("Trackwell", "TW-GPS"));
    let listed: Vec<_> = table
        .particulars("Roadlens", "RL-2 Duo")
        .iter()
        .map(|r| r.rule_id.as_str())
        .collect();
    assert_eq!(
        listed,
        ["upgrade", "vigil", "dashcam", "any"],
        "most specific first"
    );
}

#[test]
fn the_refusal_says_when_to_try_again_without_naming_the_order() {
    assert_eq!(
        throttle::refusal(chrono::Duration::seconds(61)),
        "too many verification attempts; try again in 2 minutes"
    );
    assert_eq!(
        throttle::refusal(chrono::Duration::seconds(5)),
        "too many verification attempts; try again in 1 minute"
    );
    assert_eq!(throttle::order_key("TA-1"), "order:TA-1");
}

#[test]
fn throttle_keys_separate_partners_users_and_orders_and_fit_the_column() {
    let caller = |partner: &str, user: &str| throttle::Caller {
        partner: partner.into(),
        user: user.into(),
    };
    let a = caller("buyback", "CUS-A");
    let keys = throttle::counters(&a, "TA-1");
    assert!(keys.iter().all(|(k, _)| k.len() <= 160), "{keys:?}");
    assert_ne!(
        keys[0].0,
        throttle::counters(&caller("buyback", "CUS-B"), "TA-1")[0].0
    );
    assert_ne!(
        keys[0].0,
        throttle::counters(&caller("other", "CUS-A"), "TA-1")[0].0
    );
    assert_ne!(keys[0].0, throttle::counters(&a, "TA-2")[0].0);
    assert_eq!(keys[1].0, throttle::counters(&a, "TA-2")[1].0, "per caller");
    assert_eq!(
        keys[2].0,
        throttle::counters(&caller("x", "y"), "TA-1")[2].0,
        "per order"
    );
    // No ambiguity from concatenation.
    assert_ne!(
        throttle::caller_key(&caller("ab", "c")),
        throttle::caller_key(&caller("a", "bc"))
    );
    const { assert!(throttle::MAX_PER_ORDER >= 10 * throttle::MAX_PER_CALLER_AND_ORDER) };
}
