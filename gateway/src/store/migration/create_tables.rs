//! The first schema: sessions, failed logins and the checkout log.

use sea_orm_migration::prelude::*;

/// Creates `session`, `login_failure` and `checkout`.
pub struct CreateTables;

impl MigrationName for CreateTables {
    fn name(&self) -> &str {
        "m20261122_000001_create_gateway_tables"
    }
}

#[derive(DeriveIden)]
enum Session {
    Table,
    IdHash,
    CustomerId,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum LoginFailure {
    Table,
    Id,
    LoginKey,
    FailedAt,
}

#[derive(DeriveIden)]
#[allow(clippy::enum_variant_names)] // variants are the SQL column names
enum Checkout {
    Table,
    CheckoutId,
    CustomerId,
    State,
    PlanId,
    PlanName,
    Conditions,
    ProductId,
    ProductName,
    Category,
    NeedsInstallation,
    QuoteId,
    OrderNumber,
    ReservedUntil,
    Currency,
    PremiumMinor,
    DevicePriceMinor,
    DiscountDescription,
    DiscountTarget,
    DiscountMinor,
    PremiumDueMinor,
    DeviceDueMinor,
    PaymentId,
    PolicyNumber,
    PolicyStart,
    PolicyEnd,
    BookingId,
    InstallerName,
    InstallStartsAt,
    Failure,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for CreateTables {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        fn ts(c: impl IntoIden) -> ColumnDef {
            ColumnDef::new(c)
                .timestamp_with_time_zone()
                .not_null()
                .to_owned()
        }
        manager
            .create_table(
                Table::create()
                    .table(Session::Table)
                    .col(
                        ColumnDef::new(Session::IdHash)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Session::CustomerId)
                            .string_len(40)
                            .not_null(),
                    )
                    .col(ts(Session::CreatedAt))
                    .col(ts(Session::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LoginFailure::Table)
                    .col(
                        ColumnDef::new(LoginFailure::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(LoginFailure::LoginKey)
                            .string_len(254)
                            .not_null(),
                    )
                    .col(ts(LoginFailure::FailedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_login_failure_key_at")
                    .table(LoginFailure::Table)
                    .col(LoginFailure::LoginKey)
                    .col(LoginFailure::FailedAt)
                    .to_owned(),
            )
            .await?;
        let s = |c, len| ColumnDef::new(c).string_len(len).not_null().to_owned();
        let n = |c, len| ColumnDef::new(c).string_len(len).null().to_owned();
        let money = |c| ColumnDef::new(c).big_integer().not_null().to_owned();
        manager
            .create_table(
                Table::create()
                    .table(Checkout::Table)
                    .col(s(Checkout::CheckoutId, 40).primary_key())
                    .col(s(Checkout::CustomerId, 40))
                    .col(s(Checkout::State, 16))
                    .col(s(Checkout::PlanId, 40))
                    .col(s(Checkout::PlanName, 120))
                    .col(ColumnDef::new(Checkout::Conditions).text().not_null())
                    .col(s(Checkout::ProductId, 40))
                    .col(s(Checkout::ProductName, 200))
                    .col(s(Checkout::Category, 40))
                    .col(
                        ColumnDef::new(Checkout::NeedsInstallation)
                            .boolean()
                            .not_null(),
                    )
                    .col(n(Checkout::QuoteId, 64))
                    .col(n(Checkout::OrderNumber, 24))
                    .col(n(Checkout::ReservedUntil, 40))
                    .col(s(Checkout::Currency, 3))
                    .col(money(Checkout::PremiumMinor))
                    .col(money(Checkout::DevicePriceMinor))
                    .col(n(Checkout::DiscountDescription, 200))
                    .col(n(Checkout::DiscountTarget, 10))
                    .col(money(Checkout::DiscountMinor))
                    .col(money(Checkout::PremiumDueMinor))
                    .col(money(Checkout::DeviceDueMinor))
                    .col(n(Checkout::PaymentId, 64))
                    .col(n(Checkout::PolicyNumber, 24))
                    .col(n(Checkout::PolicyStart, 10))
                    .col(n(Checkout::PolicyEnd, 10))
                    .col(n(Checkout::BookingId, 64))
                    .col(n(Checkout::InstallerName, 200))
                    .col(n(Checkout::InstallStartsAt, 40))
                    .col(n(Checkout::Failure, 400))
                    .col(ts(Checkout::CreatedAt))
                    .col(ts(Checkout::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_checkout_state_updated")
                    .table(Checkout::Table)
                    .col(Checkout::State)
                    .col(Checkout::UpdatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Checkout::Table.into_iden(),
            LoginFailure::Table.into_iden(),
            Session::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
