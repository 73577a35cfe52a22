//! The price table, applications with their history, the claim that lets one order be
//! bought back against once at a time, and the durable outbox of results for the sales
//! center.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PriceEntry {
    Table,
    Category,
    Maker,
    Model,
    Grade,
    PriceMinor,
    Currency,
}

#[derive(DeriveIden)]
#[allow(clippy::enum_variant_names)] // variants are the SQL column names
enum Application {
    Table,
    ApplicationId,
    CustomerId,
    OrderNumber,
    State,
    Category,
    Maker,
    Model,
    PowersOn,
    Screen,
    Damage,
    AccessoriesComplete,
    DeclaredGrade,
    EstimateMinor,
    InspectedGrade,
    OfferMinor,
    BenefitMinor,
    BenefitDescription,
    PurchasedProductId,
    PurchasedName,
    PurchasedMaker,
    PurchasedModel,
    PurchasedCategory,
    PurchasedAt,
    Currency,
    Reason,
    InspectionNote,
    PayoutId,
    TotalPaidMinor,
    PaidAt,
    ReportedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ApplicationEvent {
    Table,
    EventId,
    ApplicationId,
    State,
    Note,
    At,
}

#[derive(DeriveIden)]
enum OrderClaim {
    Table,
    OrderNumber,
    ApplicationId,
}

#[derive(DeriveIden)]
enum ResultOutbox {
    Table,
    ApplicationId,
    Attempts,
    NextAttemptAt,
    DeliveredAt,
    LastError,
}

fn text(col: impl IntoIden, len: u32) -> ColumnDef {
    ColumnDef::new(col).string_len(len).not_null().to_owned()
}

fn time(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use PriceEntry as P;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(text(P::Category, 40))
                    .col(text(P::Maker, 80))
                    .col(text(P::Model, 80))
                    .col(text(P::Grade, 2))
                    .col(ColumnDef::new(P::PriceMinor).big_integer().not_null())
                    .col(text(P::Currency, 3))
                    .primary_key(
                        Index::create()
                            .col(P::Category)
                            .col(P::Maker)
                            .col(P::Model)
                            .col(P::Grade),
                    )
                    .check(Expr::col(P::PriceMinor).gt(0))
                    .to_owned(),
            )
            .await?;
        use Application as A;
        manager
            .create_table(
                Table::create()
                    .table(A::Table)
                    .col(text(A::ApplicationId, 40).primary_key())
                    .col(text(A::CustomerId, 100))
                    .col(text(A::OrderNumber, 24))
                    .col(text(A::State, 20))
                    .col(text(A::Category, 40))
                    .col(text(A::Maker, 80))
                    .col(text(A::Model, 80))
                    .col(ColumnDef::new(A::PowersOn).boolean().not_null())
                    .col(text(A::Screen, 16))
                    .col(text(A::Damage, 16))
                    .col(ColumnDef::new(A::AccessoriesComplete).boolean().not_null())
                    .col(text(A::DeclaredGrade, 2))
                    .col(ColumnDef::new(A::EstimateMinor).big_integer().not_null())
                    .col(ColumnDef::new(A::InspectedGrade).string_len(2).null())
                    .col(ColumnDef::new(A::OfferMinor).big_integer().null())
                    .col(ColumnDef::new(A::BenefitMinor).big_integer().not_null())
                    .col(text(A::BenefitDescription, 200))
                    .col(text(A::PurchasedProductId, 40))
                    .col(text(A::PurchasedName, 200))
                    .col(text(A::PurchasedMaker, 80))
                    .col(text(A::PurchasedModel, 80))
                    .col(text(A::PurchasedCategory, 40))
                    .col(text(A::PurchasedAt, 40))
                    .col(text(A::Currency, 3))
                    .col(text(A::Reason, 300))
                    .col(text(A::InspectionNote, 500))
                    .col(ColumnDef::new(A::PayoutId).string_len(64).null())
                    .col(ColumnDef::new(A::TotalPaidMinor).big_integer().not_null())
                    .col(ColumnDef::new(A::PaidAt).timestamp_with_time_zone().null())
                    .col(
                        ColumnDef::new(A::ReportedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(time(A::CreatedAt))
                    .col(time(A::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_application_customer", A::CustomerId),
            ("idx_application_state", A::State),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(A::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        use ApplicationEvent as E;
        manager
            .create_table(
                Table::create()
                    .table(E::Table)
                    .col(
                        ColumnDef::new(E::EventId)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(text(E::ApplicationId, 40))
                    .col(text(E::State, 20))
                    .col(text(E::Note, 500))
                    .col(time(E::At))
                    .foreign_key(
                        ForeignKey::create()
                            .from(E::Table, E::ApplicationId)
                            .to(A::Table, A::ApplicationId),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_application_event_application")
                    .table(E::Table)
                    .col(E::ApplicationId)
                    .to_owned(),
            )
            .await?;
        use OrderClaim as C;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .col(text(C::OrderNumber, 24).primary_key())
                    .col(text(C::ApplicationId, 40))
                    .to_owned(),
            )
            .await?;
        use ResultOutbox as O;
        manager
            .create_table(
                Table::create()
                    .table(O::Table)
                    .col(text(O::ApplicationId, 40).primary_key())
                    .col(ColumnDef::new(O::Attempts).integer().not_null())
                    .col(time(O::NextAttemptAt))
                    .col(
                        ColumnDef::new(O::DeliveredAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(text(O::LastError, 500))
                    .foreign_key(
                        ForeignKey::create()
                            .from(O::Table, O::ApplicationId)
                            .to(A::Table, A::ApplicationId),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_result_outbox_due")
                    .table(O::Table)
                    .col(O::DeliveredAt)
                    .col(O::NextAttemptAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ResultOutbox::Table.into_iden(),
            OrderClaim::Table.into_iden(),
            ApplicationEvent::Table.into_iden(),
            Application::Table.into_iden(),
            PriceEntry::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
