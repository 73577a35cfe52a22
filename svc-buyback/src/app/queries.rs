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

    /// Application `id` of `customer`, or any customer's when `customer` is empty (staff).
    pub async fn application(&self, id: &str, customer: &str) -> Result<ApplicationView> {
        let app = if customer.is_empty() {
            self.get(id).await?
        } else {
            self.mine(id, customer).await?
        };
        self.view(app).await
    }

    /// The applications of `customer` (everyone's when empty) in `state` (any when
    /// `None`), newest first, at most `limit` (default 50, at most 200).
    pub async fn applications(
        &self,
        customer: &str,
        state: Option<ApplicationState>,
        limit: u32,
    ) -> Result<Vec<ApplicationView>> {
        let customer = (!customer.is_empty()).then_some(customer);
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
