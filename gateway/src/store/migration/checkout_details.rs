//! The customer's side of a checkout (issue 15): the policyholder's name and the vehicle
//! the policy covers (for the receipt), the payment attempt (a declined card may be
//! followed by another), the installer slot chosen before payment and the appointment's
//! details, and each part's cancellation with its refund. Existing rows read as one
//! attempt made, nothing chosen or cancelled.

use sea_orm_migration::prelude::*;

/// Adds the checkout's details columns.
pub struct CheckoutDetails;

impl MigrationName for CheckoutDetails {
    fn name(&self) -> &str {
        "m20261203_000001_checkout_details"
    }
}

#[derive(DeriveIden)]
enum Checkout {
    Table,
    CustomerId,
    CreatedAt,
    PayAttempt,
    PolicyholderName,
    Vehicle,
    InstallSlotId,
    InstallerAddress,
    InstallerPhone,
    InstallTimeZone,
    OrderCancelledAt,
    OrderRefundMinor,
    OrderRefundState,
    PolicyCancelledAt,
    PolicyRefundMinor,
    PolicyRefundState,
}

/// The index of a customer's checkouts.
const CUSTOMER_INDEX: &str = "idx_checkout_customer_created";

/// The new columns, one ALTER each (SQLite adds one column per statement).
fn columns() -> Vec<ColumnDef> {
    let text = |c: Checkout| ColumnDef::new(c).string().null().to_owned();
    let at = |c: Checkout| {
        ColumnDef::new(c)
            .timestamp_with_time_zone()
            .null()
            .to_owned()
    };
    let int = |c: Checkout, default: i64| {
        ColumnDef::new(c)
            .big_integer()
            .not_null()
            .default(default)
            .to_owned()
    };
    vec![
        int(Checkout::PayAttempt, 1),
        text(Checkout::PolicyholderName),
        text(Checkout::Vehicle),
        text(Checkout::InstallSlotId),
        text(Checkout::InstallerAddress),
        text(Checkout::InstallerPhone),
        text(Checkout::InstallTimeZone),
        at(Checkout::OrderCancelledAt),
        int(Checkout::OrderRefundMinor, 0),
        text(Checkout::OrderRefundState),
        at(Checkout::PolicyCancelledAt),
        int(Checkout::PolicyRefundMinor, 0),
        text(Checkout::PolicyRefundState),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for CheckoutDetails {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for mut column in columns() {
            let alter = Table::alter()
                .table(Checkout::Table)
                .add_column(&mut column)
                .to_owned();
            manager.alter_table(alter).await?;
        }
        // The account page lists a customer's checkouts, newest first.
        manager
            .create_index(
                Index::create()
                    .name(CUSTOMER_INDEX)
                    .table(Checkout::Table)
                    .col(Checkout::CustomerId)
                    .col(Checkout::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(CUSTOMER_INDEX)
                    .table(Checkout::Table)
                    .to_owned(),
            )
            .await?;
        for column in columns().into_iter().rev() {
            let alter = Table::alter()
                .table(Checkout::Table)
                .drop_column(Alias::new(column.get_column_name()))
                .to_owned();
            manager.alter_table(alter).await?;
        }
        Ok(())
    }
}
