//! The five journeys, step by step, with the request bodies the web pages send
//! (docs/rest-checkout.md, docs/rest-buyback.md, docs/rest-anonymous.md).

use std::time::Instant;

use serde_json::{Value, json};

use super::mix::Journey;
use super::walk::{Shared, Stopped, Walk, encode, get, is, post, put, text};

/// Devices of makers the buy-back center designates (demo data), most stock first: what
/// a buy-back journey buys before selling an old dashcam back.
const BUYBACK_DEVICES: [&str; 2] = ["DEV-DC-1001", "DEV-NAV-1003"];

/// Requests of the anonymous purchase: kind and characteristics (demo sellers' goods).
const REQUESTS: [(&str, &[(&str, &str)]); 4] = [
    ("dashcam", &[("channels", "2")]),
    ("dashcam", &[]),
    ("navigation", &[("maps", "us")]),
    ("jump-starter", &[]),
];

/// Attempts at booking a slot: another user may take the one chosen meanwhile.
const BOOKING_ATTEMPTS: usize = 3;

/// User `k` walks `journey`, due at `scheduled`; every step and the outcome are recorded.
pub async fn walk(shared: &Shared, journey: Journey, k: u64, scheduled: Instant) {
    let mut w = Walk::new(shared, journey, k, scheduled);
    let walked = match journey {
        Journey::Checkout => checkout(&mut w).await,
        Journey::Contact => contact(&mut w).await,
        Journey::Registration => registration(&mut w).await,
        Journey::Buyback => buyback(&mut w).await,
        Journey::Anonymous => anonymous(&mut w).await,
    };
    if walked.is_ok() {
        (shared.recorder).completed(journey, Instant::now().saturating_duration_since(scheduled));
    }
}

/// Plan search → a plan with a device that needs fitting, in stock → checkout created →
/// installers listed → paid → a slot booked (another one when it was taken meanwhile).
async fn checkout(w: &mut Walk<'_>) -> Result<(), Stopped> {
    let p = &w.customer.profile;
    let c = p.conditions();
    let search = format!(
        "/api/v1/plans?driver_age={}&vehicle_class=sedan&vehicle_year={}&annual_mileage={}&postal_code={}&devices_per_plan=20",
        c["driver_age"], c["vehicle_year"], c["annual_mileage"], p.postal_code
    );
    let candidates = w.step("search", get(search), 200, installable).await?;
    let stock: Vec<u64> = candidates.iter().map(|(_, _, stock)| *stock).collect();
    let (plan, device, _) = candidates[w.pick_weighted(1, &stock)].clone();
    let body = json!({"plan_id": plan, "product_id": device, "conditions": c,
        "vehicle": {"make": "Toyota", "model": "Camry"}});
    let created = post("/api/v1/checkouts", body);
    let id = w.step("create", created, 201, text("/checkout_id")).await?;
    let path = format!("/api/v1/checkouts/{id}");
    let slots = w
        .step("installers", get(format!("{path}/installers")), 200, slots)
        .await?;
    let card = json!({"card": w.customer.profile.card()});
    let paid = post(format!("{path}/payment"), card);
    w.step("pay", paid, 200, is("/state", "completed")).await?;
    let first = w.pick(2, slots.len());
    for attempt in 0..BOOKING_ATTEMPTS {
        let slot = &slots[(first + attempt) % slots.len()];
        let book = post(format!("{path}/installation"), json!({"slot_id": slot}));
        let booked = |b: &Value| b["booking"]["booking_id"].as_str().map(|_| ());
        match w.try_step("book", book, 200, booked).await {
            Ok(()) => break,
            Err(f) if f.status == Some(409) && attempt + 1 < BOOKING_ATTEMPTS => {
                (w.shared.recorder).retried(w.journey, "book", "slot taken, the next one tried");
            }
            Err(f) => return Err(w.stop("book", f)),
        }
    }
    if w.shared.return_stock {
        let cancel = post(format!("{path}/order/cancellation"), json!({}));
        w.step("return", cancel, 200, text("/checkout_id")).await?;
    }
    Ok(())
}

/// (plan, device, stock) of every plan found with a device in stock that needs fitting.
fn installable(body: &Value) -> Option<Vec<(String, String, u64)>> {
    let mut found = Vec::new();
    for offer in body["offers"].as_array()? {
        let plan = offer["plan"]["plan_id"].as_str()?;
        for device in offer["devices"].as_array().into_iter().flatten() {
            let stock = device["stock"].as_u64().unwrap_or(0);
            if device["needs_installation"] == true && stock > 0 {
                let id = device["product_id"].as_str()?.to_owned();
                found.push((plan.to_owned(), id, stock));
            }
        }
    }
    (!found.is_empty()).then_some(found)
}

/// Every slot ID of the installers listed.
fn slots(body: &Value) -> Option<Vec<String>> {
    let slots: Vec<String> = (body["installers"].as_array()?.iter())
        .flat_map(|i| i["slots"].as_array().into_iter().flatten())
        .filter_map(|s| s["slot_id"].as_str().map(str::to_owned))
        .collect();
    (!slots.is_empty()).then_some(slots)
}

/// The product information → one product's page → a contact request about it.
async fn contact(w: &mut Walk<'_>) -> Result<(), Stopped> {
    let models = |b: &Value| {
        let models: Vec<String> = (b["products"].as_array()?.iter())
            .filter_map(|p| p["model_number"].as_str().map(str::to_owned))
            .collect();
        (!models.is_empty()).then_some(models)
    };
    let models = w
        .step("products", get("/api/v1/products"), 200, models)
        .await?;
    let model = &models[w.pick(3, models.len())];
    let page = get(format!("/api/v1/products/{}", encode(model)));
    w.step("product", page, 200, text("/model_number")).await?;
    let body = json!({"model_number": model, "phone": w.customer.profile.phone,
        "comment": "Is it in stock near me?", "actions": ["phone_call"]});
    let sent = post("/api/v1/contact-requests", body);
    w.step("contact", sent, 201, text("/lead_id")).await?;
    Ok(())
}

/// The registered information → an update of the office, told to the sales
/// representative by every other user (the consent given on the wording shown).
async fn registration(w: &mut Walk<'_>) -> Result<(), Stopped> {
    let view = get("/api/v1/registration");
    let version = w
        .step("view", view, 200, text("/consent/wording_version"))
        .await?;
    let forward = w.k.is_multiple_of(2);
    let body = json!({"office": format!("Load Office {}", w.k % 50), "forward_to_staff": forward,
        "consent_wording_version": version});
    let forwarded = move |b: &Value| (b["forwarded"].as_bool()? == forward).then_some(());
    w.step("update", put("/api/v1/registration", body), 200, forwarded)
        .await?;
    Ok(())
}

/// A device bought (created, paid) → its buy-back designation → an estimate for an old
/// dashcam → the application, verified against the order → the item sent.
async fn buyback(w: &mut Walk<'_>) -> Result<(), Stopped> {
    let device = BUYBACK_DEVICES[w.pick(4, BUYBACK_DEVICES.len())];
    let created = post("/api/v1/checkouts", json!({"product_id": device}));
    let id = w.step("create", created, 201, text("/checkout_id")).await?;
    let card = json!({"card": w.customer.profile.card()});
    let paid = post(format!("/api/v1/checkouts/{id}/payment"), card);
    let order = |b: &Value| {
        (b["state"] == "completed").then_some(())?;
        b["order_number"].as_str().map(str::to_owned)
    };
    let order = w.step("pay", paid, 200, order).await?;
    let designation = get(format!("/api/v1/buyback/orders/{order}"));
    let targeted = |b: &Value| (b["targeted"] == true).then_some(());
    w.step("designation", designation, 200, targeted).await?;
    let item = json!({"category": "dashcam", "maker": "Roadlens", "model": "RL-1"});
    let answers = json!({"powers_on": true, "screen": "scratched", "damage": "none",
        "accessories_complete": true});
    let estimate = post(
        "/api/v1/buyback/estimates",
        json!({"item": item, "answers": answers}),
    );
    w.step("estimate", estimate, 200, text("/grade")).await?;
    let p = &w.customer.profile;
    let body = json!({"order_number": order, "item": item, "answers": answers,
        "personal": {"name": p.name, "email": p.email, "phone": p.phone, "postal_code": p.postal_code}});
    let applied = |b: &Value| {
        (b["state"] == "verified").then_some(())?;
        b["application_id"].as_str().map(str::to_owned)
    };
    let application = (w.step(
        "apply",
        post("/api/v1/buyback/applications", body),
        201,
        applied,
    ))
    .await?;
    let shipment = format!("/api/v1/buyback/applications/{application}/shipment");
    let shipped = is("/state", "awaiting_item");
    w.step("ship", post(shipment, json!({})), 200, shipped)
        .await?;
    Ok(())
}

/// A request by kind and characteristics → a commodity in stock chosen → ordered → paid
/// into escrow (the amount confirmed) → the delivery address given (sealed).
async fn anonymous(w: &mut Walk<'_>) -> Result<(), Stopped> {
    let (kind, traits) = REQUESTS[w.pick(5, REQUESTS.len())];
    let mut search = format!("/api/v1/anonymous/commodities?kind={}", encode(kind));
    for (name, value) in traits {
        search.push_str(&format!("&c.{}={}", encode(name), encode(value)));
    }
    let found = |b: &Value| {
        let request = b["request_id"].as_str()?.to_owned();
        let offers: Vec<(String, Value, u64)> = (b["commodities"].as_array()?.iter())
            .filter_map(|c| {
                let stock = c["stock"].as_u64().filter(|s| *s > 0)?;
                Some((
                    c["commodity_id"].as_str()?.to_owned(),
                    c["price"].clone(),
                    stock,
                ))
            })
            .collect();
        (!offers.is_empty()).then_some((request, offers))
    };
    let (request, offers) = w.step("search", get(search), 200, found).await?;
    let stock: Vec<u64> = offers.iter().map(|(_, _, stock)| *stock).collect();
    let (commodity, price, _) = offers[w.pick_weighted(6, &stock)].clone();
    let key = format!("{}-{}", w.shared.run_id, w.k);
    let body = json!({"request_id": request, "commodity_id": commodity, "idempotency_key": key});
    let ordered = post("/api/v1/anonymous/orders", body);
    let order = w.step("order", ordered, 201, text("/order_id")).await?;
    let path = format!("/api/v1/anonymous/orders/{order}");
    let amount = json!({"minor_units": price["minor_units"], "currency": price["currency"]});
    let body = json!({"amount": amount, "card": w.customer.profile.card(),
        "idempotency_key": format!("{key}-pay")});
    let held = is("/escrow_state", "held");
    w.step("pay", post(format!("{path}/payment"), body), 200, held)
        .await?;
    let p = &w.customer.profile;
    let address = json!({"recipient_name": p.name, "address": {"line1": p.line1, "line2": "",
        "city": p.city, "region": p.region, "postal_code": p.postal_code, "country": "US"}});
    let sealed = text("/sealed_at");
    w.step(
        "address",
        put(format!("{path}/address"), address),
        200,
        sealed,
    )
    .await?;
    if w.shared.return_stock {
        let refunded = is("/escrow_state", "refunded");
        (w.step(
            "return",
            post(format!("{path}/cancellation"), json!({})),
            200,
            refunded,
        ))
        .await?;
    }
    Ok(())
}
