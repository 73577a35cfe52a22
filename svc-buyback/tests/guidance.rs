//! What the customer is told to do next, over real gRPC on SQLite and PostgreSQL: a
//! verified application says where to send the device (the prepaid label and the center's
//! receiving address) and where the money goes (the customer's account, and how to
//! withdraw it); a counteroffer needs the inspector's note and shows what changed the
//! grade — the declared grade and condition, the grade found, the price difference and
//! the note — also after it is declined.

mod common;

use common::*;
use tandem_mesh::assertion::Role;
use tandem_mesh::testing::as_user;
use tandem_proto::buyback::v1::*;
use tonic::Code;

#[tokio::test]
async fn the_customer_is_told_where_to_send_the_device_where_the_money_goes_and_why_less_is_offered()
 {
    for kind in World::kinds().await {
        let mut w = World::start(kind).await.unwrap();
        let order = w.buy("DEV-DC-1002", "A").await;
        let verified = w.submit(application("k", "A", &order, alex())).await;
        let id = verified.application_id.clone();
        let shipping = verified.shipping.clone().expect("shipping instructions");
        assert_eq!(
            shipping.label_reference,
            format!("LBL-{}", &id[3..]),
            "{kind}"
        );
        assert_eq!(shipping.recipient, "Tandem Buy-back Center — Receiving");
        let address = shipping.address.clone().unwrap();
        assert_eq!(
            (address.city.as_str(), address.postal_code.as_str()),
            ("Oakland", "94607")
        );
        assert!(
            shipping.instructions.contains(&id)
                && shipping.instructions.contains(&shipping.label_reference)
        );
        let payout = verified
            .payout_destination
            .clone()
            .expect("payout destination");
        assert_eq!(payout.account, "customer:CUS-A");
        assert!(payout.account_holder.contains("CUS-A"));
        assert!(
            payout.how_to_withdraw.contains("withdraw"),
            "{}",
            payout.how_to_withdraw
        );
        assert!(verified.grade_change.is_none());

        let shipped = w.ship(&id, "CUS-A").await.unwrap();
        assert_eq!(
            shipped.shipping,
            Some(shipping),
            "still shown while on its way"
        );

        // A lower grade needs a note for the customer; nothing changes without one.
        let silent = w
            .staff
            .inspect_item(as_staff(InspectItemRequest {
                application_id: id.clone(),
                grade: Grade::C as i32,
                note: "  ".into(),
            }))
            .await
            .unwrap_err();
        assert_eq!(silent.code(), Code::InvalidArgument);
        assert_eq!(tandem_mesh::status::field_violations(&silent)[0].0, "note");
        let note = "The screen is cracked across the lens";
        let offered = w
            .staff
            .inspect_item(as_staff(InspectItemRequest {
                application_id: id.clone(),
                grade: Grade::C as i32,
                note: note.into(),
            }))
            .await
            .unwrap()
            .into_inner()
            .application
            .unwrap();
        assert_eq!(offered.state(), ApplicationState::Counteroffered);
        assert!(offered.shipping.is_none(), "the device has arrived");

        // The customer sees what changed the grade.
        let seen = w
            .center
            .get_application(as_user(
                GetApplicationRequest {
                    application_id: id.clone(),
                    customer_id: String::new(),
                },
                "CUS-A",
                Role::Customer,
            ))
            .await
            .unwrap()
            .into_inner()
            .application
            .unwrap();
        let change = seen.grade_change.clone().expect("grade change");
        assert_eq!(
            (change.declared_grade(), change.inspected_grade()),
            (Grade::B, Grade::C)
        );
        assert_eq!(
            change.declared_condition,
            "switches on; screen scratched; no body damage; accessories complete"
        );
        let minor = |m: &Option<tandem_proto::common::v1::Money>| m.as_ref().unwrap().minor_units;
        assert_eq!(
            (
                minor(&change.estimate),
                minor(&change.offer),
                minor(&change.difference)
            ),
            (3_500, 2_000, -1_500)
        );
        assert_eq!(change.inspector_note, note);
        assert_eq!(change.inspected_by, INSPECTOR);
        assert!(seen.payout_destination.is_some());

        // Declined: nothing will be paid; what the inspection found stays on record.
        let returned = w.respond(&id, "CUS-A", false).await.unwrap();
        assert_eq!(returned.state(), ApplicationState::Returned);
        assert!(returned.payout_destination.is_none());
        assert_eq!(returned.grade_change, Some(change));
        w.stop().await;
    }
}
