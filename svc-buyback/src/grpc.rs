//! The `Buyback` and `BuybackInspection` gRPC services: request mapping only; the
//! procedures live in `center`, rules in `domain`, data access in `store`.

use tandem_proto::EnumSlug;
use tandem_proto::accessory::v1::{DeviceCategory, PurchasedGoods, UsedItem};
use tandem_proto::buyback::v1::buyback_inspection_server::BuybackInspection;
use tandem_proto::buyback::v1::buyback_server::Buyback;
use tandem_proto::buyback::v1::*;
use tandem_proto::common::v1::Money;
use tonic::{Request, Response, Status};

use crate::center::{Center, used_item};
use crate::domain;
use crate::error::BuybackError;
use crate::store::{self, entity::application::Model as App};

/// The buy-back service state.
#[derive(Clone)]
pub struct BuybackService {
    /// The procedures.
    center: Center,
}

impl BuybackService {
    /// A service running `center`'s procedures.
    pub fn new(center: Center) -> Self {
        Self { center }
    }

    async fn reply(&self, app: App) -> Result<Application, Status> {
        let history = store::history(&self.center.db, &app.application_id)
            .await
            .map_err(BuybackError::from)?;
        Ok(to_proto(&app, &history))
    }
}

type Reply<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl Buyback for BuybackService {
    async fn list_price_table(
        &self,
        request: Request<ListPriceTableRequest>,
    ) -> Reply<ListPriceTableResponse> {
        let only = DeviceCategory::try_from(request.get_ref().category).unwrap_or_default();
        let table = store::price_table(&self.center.db)
            .await
            .map_err(BuybackError::from)?;
        let entries = table
            .rows
            .into_iter()
            .filter(|p| only == DeviceCategory::Unspecified || p.item.category == only)
            .map(|p| PriceEntry {
                item: Some(UsedItem {
                    category: p.item.category as i32,
                    maker: p.item.maker,
                    model: p.item.model,
                }),
                grade: p.grade as i32,
                price: Some(Money {
                    minor_units: p.price_minor,
                    currency: p.currency,
                }),
            })
            .collect();
        Ok(Response::new(ListPriceTableResponse { entries }))
    }

    async fn estimate(&self, request: Request<EstimateRequest>) -> Reply<EstimateResponse> {
        let req = request.into_inner();
        let item = used_item(req.item.as_ref())?;
        let answers = req
            .answers
            .ok_or_else(|| BuybackError::from(domain::InvalidField::new("answers", "required")))?;
        let grade = domain::grade_of(&answers).map_err(BuybackError::from)?;
        let table = store::price_table(&self.center.db)
            .await
            .map_err(BuybackError::from)?;
        let price = table
            .price(&item, grade)
            .ok_or_else(|| BuybackError::NotPriced(format!("{} {}", item.maker, item.model)))?;
        Ok(Response::new(EstimateResponse {
            grade: grade as i32,
            price: Some(Money {
                minor_units: price.price_minor,
                currency: price.currency.clone(),
            }),
        }))
    }

    async fn submit_application(
        &self,
        request: Request<SubmitApplicationRequest>,
    ) -> Reply<SubmitApplicationResponse> {
        let budget = tandem_mesh::client::budget(request.metadata(), self.center.call_timeout);
        let app = self.center.submit(request.into_inner(), budget).await?;
        Ok(Response::new(SubmitApplicationResponse {
            application: Some(self.reply(app).await?),
        }))
    }

    async fn get_application(
        &self,
        request: Request<GetApplicationRequest>,
    ) -> Reply<GetApplicationResponse> {
        let req = request.into_inner();
        let app = if req.customer_id.is_empty() {
            self.center.get(&req.application_id).await?
        } else {
            self.center
                .mine(&req.application_id, &req.customer_id)
                .await?
        };
        Ok(Response::new(GetApplicationResponse {
            application: Some(self.reply(app).await?),
        }))
    }

    async fn list_applications(
        &self,
        request: Request<ListApplicationsRequest>,
    ) -> Reply<ListApplicationsResponse> {
        let req = request.into_inner();
        let state = ApplicationState::try_from(req.state)
            .ok()
            .filter(|s| *s != ApplicationState::Unspecified);
        let limit = match req.limit {
            0 => 50,
            n => u64::from(n.min(200)),
        };
        let customer = (!req.customer_id.is_empty()).then_some(req.customer_id.as_str());
        let rows = store::list(&self.center.db, customer, state, limit)
            .await
            .map_err(BuybackError::from)?;
        let mut applications = Vec::with_capacity(rows.len());
        for app in rows {
            applications.push(self.reply(app).await?);
        }
        Ok(Response::new(ListApplicationsResponse { applications }))
    }

    async fn ship_item(&self, request: Request<ShipItemRequest>) -> Reply<ShipItemResponse> {
        let req = request.into_inner();
        let app = self
            .center
            .ship(&req.application_id, &req.customer_id)
            .await?;
        Ok(Response::new(ShipItemResponse {
            application: Some(self.reply(app).await?),
        }))
    }

    async fn respond_to_counteroffer(
        &self,
        request: Request<RespondToCounterofferRequest>,
    ) -> Reply<RespondToCounterofferResponse> {
        let req = request.into_inner();
        let app = self
            .center
            .respond(&req.application_id, &req.customer_id, req.accept)
            .await?;
        Ok(Response::new(RespondToCounterofferResponse {
            application: Some(self.reply(app).await?),
        }))
    }
}

#[tonic::async_trait]
impl BuybackInspection for BuybackService {
    async fn inspect_item(
        &self,
        request: Request<InspectItemRequest>,
    ) -> Reply<InspectItemResponse> {
        let req = request.into_inner();
        let grade = Grade::try_from(req.grade).unwrap_or_default();
        let app = self
            .center
            .inspect(&req.application_id, grade, &req.note)
            .await?;
        Ok(Response::new(InspectItemResponse {
            application: Some(self.reply(app).await?),
        }))
    }
}

fn to_proto(a: &App, history: &[crate::store::entity::application_event::Model]) -> Application {
    let money = |minor_units: i64| {
        Some(Money {
            minor_units,
            currency: a.currency.clone(),
        })
    };
    let grade = |slug: &str| Grade::from_slug(slug).unwrap_or_default() as i32;
    let state = |slug: &str| ApplicationState::from_slug(slug).unwrap_or_default() as i32;
    Application {
        application_id: a.application_id.clone(),
        customer_id: a.customer_id.clone(),
        order_number: a.order_number.clone(),
        state: state(&a.state),
        item: Some(UsedItem {
            category: DeviceCategory::from_slug(&a.category).unwrap_or_default() as i32,
            maker: a.maker.clone(),
            model: a.model.clone(),
        }),
        answers: Some(Questionnaire {
            powers_on: a.powers_on,
            screen: ScreenCondition::from_slug(&a.screen).unwrap_or_default() as i32,
            damage: BodyDamage::from_slug(&a.damage).unwrap_or_default() as i32,
            accessories_complete: a.accessories_complete,
        }),
        declared_grade: grade(&a.declared_grade),
        estimate: money(a.estimate_minor),
        inspected_grade: a.inspected_grade.as_deref().map_or(0, grade),
        offer: a.offer_minor.and_then(money),
        benefit: money(a.benefit_minor),
        benefit_description: a.benefit_description.clone(),
        purchased: (!a.purchased_product_id.is_empty()).then(|| PurchasedGoods {
            product_id: a.purchased_product_id.clone(),
            maker: a.purchased_maker.clone(),
            model: a.purchased_model.clone(),
            name: a.purchased_name.clone(),
            category: DeviceCategory::from_slug(&a.purchased_category).unwrap_or_default() as i32,
            quantity: 1,
            purchased_at: a.purchased_at.clone(),
        }),
        reason: a.reason.clone(),
        payout_id: a.payout_id.clone().unwrap_or_default(),
        total_paid: (a.total_paid_minor > 0)
            .then(|| money(a.total_paid_minor))
            .flatten(),
        inspection_note: a.inspection_note.clone(),
        created_at: a.created_at.to_rfc3339(),
        updated_at: a.updated_at.to_rfc3339(),
        reported_at: a.reported_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        history: history
            .iter()
            .map(|e| StateChange {
                state: state(&e.state),
                at: e.at.to_rfc3339(),
                note: e.note.clone(),
            })
            .collect(),
    }
}
