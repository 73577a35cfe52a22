//! The reads: the price table, the instant estimate, and applications with their
//! history.

use std::collections::HashMap;

use tandem_proto::accessory::v1::{self as accessory, DeviceCategory};
use tandem_proto::buyback::v1::{ApplicationState, Grade, Questionnaire};

use super::{App, Result};
use crate::domain::{self, InvalidField, Price};
use crate::error::BuybackError;
use crate::store::{
    self,
    entity::{application, application_event},
};

/// Who reads applications.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Viewer {
    /// A customer, by customer ID: only their own applications.
    Customer(String),
    /// A member of the center's staff, by staff ID: every application.
    Staff(String),
}

/// An application as the API shows it.
#[derive(Clone, Debug)]
pub struct ApplicationView {
    /// The stored application.
    pub application: application::Model,
    /// Its state changes, oldest first.
    pub history: Vec<application_event::Model>,
}

impl App {
    /// The price table's rows of `category` (all when `Unspecified`).
    pub async fn price_table(&self, category: DeviceCategory) -> Result<Vec<Price>> {
        let table = store::price_table(&self.db).await?;
        Ok(table
            .rows
            .into_iter()
            .filter(|p| category == DeviceCategory::Unspecified || p.item.category == category)
            .collect())
    }

    /// The instant estimate: the grade the questionnaire's answers give and its price.
    pub async fn estimate(
        &self,
        item: Option<&accessory::UsedItem>,
        answers: Option<&Questionnaire>,
    ) -> Result<(Grade, Price)> {
        let item = domain::used_item(item)?;
        let answers = answers.ok_or_else(|| InvalidField::new("answers", "required"))?;
        let grade = domain::grade_of(answers)?;
        let table = store::price_table(&self.db).await?;
        let price = table
            .price(&item, grade)
            .ok_or_else(|| BuybackError::NotPriced(format!("{} {}", item.maker, item.model)))?;
        Ok((grade, price.clone()))
    }

    /// Application `id` as `viewer` may see it: a customer only their own (another's
    /// reads as unknown), staff any.
    pub async fn application(&self, id: &str, viewer: &Viewer) -> Result<ApplicationView> {
        let app = match viewer {
            Viewer::Customer(customer) => self.mine(id, customer).await?,
            Viewer::Staff(_) => self.get(id).await?,
        };
        self.view(app).await
    }

    /// The applications `viewer` may see — a customer's own; for staff everyone's, or
    /// `customer`'s when not empty — in `state` (any when `None`), newest first, at most
    /// `limit` (default 50, at most 200).
    pub async fn applications(
        &self,
        viewer: &Viewer,
        customer: &str,
        state: Option<ApplicationState>,
        limit: u32,
    ) -> Result<Vec<ApplicationView>> {
        let customer = match viewer {
            Viewer::Customer(own) => Some(own.as_str()),
            Viewer::Staff(_) => (!customer.trim().is_empty()).then_some(customer.trim()),
        };
        let rows = store::list(&self.db, customer, state, domain::page_size(limit)).await?;
        let mut history: HashMap<String, Vec<application_event::Model>> = HashMap::new();
        let ids = rows.iter().map(|a| a.application_id.as_str());
        for event in store::history(&self.db, ids).await? {
            history
                .entry(event.application_id.clone())
                .or_default()
                .push(event);
        }
        Ok(rows
            .into_iter()
            .map(|application| ApplicationView {
                history: history
                    .remove(&application.application_id)
                    .unwrap_or_default(),
                application,
            })
            .collect())
    }

    /// `application` with its history.
    pub(super) async fn view(&self, application: application::Model) -> Result<ApplicationView> {
        let history = store::history(&self.db, [application.application_id.as_str()]).await?;
        Ok(ApplicationView {
            application,
            history,
        })
    }
}
