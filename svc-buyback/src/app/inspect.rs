//! Inspection (`InspectItem`): staff record the grade found. As declared or better, the
//! estimate stands and is paid at once; a worse grade makes a counteroffer at that
//! grade's price, with the inspector's note (required then) telling the customer what
//! changed the grade. The staff member who inspected is recorded with it.

use sea_orm::ActiveValue::Set;
use tandem_proto::EnumSlug;
use tandem_proto::buyback::v1::{ApplicationState, Grade};

use super::{App, ApplicationView, Result, Step, advance, item_of, pay, state};
use crate::domain::{self, Inspection, InvalidField};
use crate::store::{self, entity::application};

impl App {
    /// Records the inspected grade found by staff member `staff_id` (who must be active):
    /// the estimate stands (and is paid) or a counteroffer is made. A replay with the
    /// same grade returns the application as it is.
    pub async fn inspect(
        &self,
        id: &str,
        grade: Grade,
        note: &str,
        staff_id: &str,
    ) -> Result<ApplicationView> {
        if grade == Grade::Unspecified {
            return Err(InvalidField::new("grade", "required: A, B, C or D").into());
        }
        let inspector = self.staff_member(staff_id).await?;
        let app = self.get(id).await?;
        if state(&app)? != ApplicationState::AwaitingItem
            && app.inspected_grade.as_deref() == Some(grade.slug())
        {
            return self.view(app).await;
        }
        let declared = Grade::from_slug(&app.declared_grade).unwrap_or_default();
        let note = domain::inspection_note(declared, grade, note)?;
        let table = store::price_table(&self.db).await?;
        let found_price = table
            .price(&item_of(&app), grade)
            .map_or(0, |p| p.price_minor);
        let inspected = |price_minor| application::ActiveModel {
            inspected_grade: Set(Some(grade.slug().into())),
            inspection_note: Set(note.into()),
            inspected_by: Set(Some(inspector.staff_id.clone())),
            offer_minor: Set(Some(price_minor)),
            ..Default::default()
        };
        let app = match domain::inspect(declared, app.estimate_minor, grade, found_price) {
            Inspection::Confirmed { price_minor } => {
                let note = format!(
                    "inspected by {}: grade {} as declared or better",
                    inspector.staff_id,
                    grade.slug()
                );
                let step = Step::to(ApplicationState::Inspected, note)
                    .setting(inspected(price_minor))
                    .queueing(pay::payout_message(&app.application_id));
                let app = advance(&self.db, app, step).await?;
                self.pay(app).await?
            }
            Inspection::Counteroffer { price_minor } => {
                let note = format!(
                    "inspected by {}: grade {} (declared {}); counteroffer made",
                    inspector.staff_id,
                    grade.slug(),
                    declared.slug()
                );
                let step = Step::to(ApplicationState::Counteroffered, note)
                    .setting(inspected(price_minor));
                advance(&self.db, app, step).await?
            }
        };
        self.view(app).await
    }
}
