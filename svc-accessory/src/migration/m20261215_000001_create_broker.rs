//! The anonymous-purchase broker (seed 003): sellers and their desk logins, commodities,
//! the purchasers' preference store (requests and their characteristics), the sales
//! history (orders) and the reports sold to sellers.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum BrokerSeller {
    Table,
    SellerId,
    Name,
}

#[derive(DeriveIden)]
enum BrokerSellerLogin {
    Table,
    Login,
    SellerId,
    PasswordHash,
}

#[derive(DeriveIden)]
enum BrokerCommodity {
    Table,
    CommodityId,
    SellerId,
    Kind,
    Title,
    Characteristics,
    PriceMinor,
    Currency,
    Stock,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum BrokerRequest {
    Table,
    RequestId,
    PurchaserKey,
    Kind,
    Characteristics,
    Region,
    Week,
    CreatedAt,
}

#[derive(DeriveIden)]
enum BrokerRequestTrait {
    Table,
    RequestId,
    TraitKey,
    Kind,
    PurchaserKey,
    Week,
}

#[derive(DeriveIden)]
enum BrokerOrder {
    Table,
    OrderId,
    Purchaser,
    PurchaserKey,
    SellerId,
    RequestId,
    CommodityId,
    Kind,
    Title,
    Characteristics,
    AmountMinor,
    Currency,
    Region,
    Week,
    PlacedAt,
    EscrowOpened,
    EscrowState,
    Cancelled,
    Cancelling,
    Shipping,
    DeliveryHandle,
}

#[derive(DeriveIden)]
enum BrokerReport {
    Table,
    ReportId,
    SellerId,
    Kind,
    Weeks,
    PriceMinor,
    Currency,
    ChargeId,
    Tables,
    CreatedAt,
}

fn text<T: IntoIden>(c: T, len: u32) -> ColumnDef {
    ColumnDef::new(c).string_len(len).not_null().to_owned()
}

fn at<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(BrokerSeller::Table)
                    .col(text(BrokerSeller::SellerId, 64).primary_key())
                    .col(text(BrokerSeller::Name, 100))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BrokerSellerLogin::Table)
                    .col(text(BrokerSellerLogin::Login, 40).primary_key())
                    .col(text(BrokerSellerLogin::SellerId, 64))
                    .col(text(BrokerSellerLogin::PasswordHash, 200))
                    .to_owned(),
            )
            .await?;
        use BrokerCommodity as C;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .col(text(C::CommodityId, 40).primary_key())
                    .col(text(C::SellerId, 64))
                    .col(text(C::Kind, 40))
                    .col(text(C::Title, 120))
                    .col(ColumnDef::new(C::Characteristics).text().not_null())
                    .col(ColumnDef::new(C::PriceMinor).big_integer().not_null())
                    .col(text(C::Currency, 3))
                    .col(ColumnDef::new(C::Stock).integer().not_null())
                    .col(at(C::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_broker_commodity_kind",
            C::Table,
            &[C::Kind.into_iden()],
        )
        .await?;
        index(
            manager,
            "ix_broker_commodity_seller",
            C::Table,
            &[C::SellerId.into_iden()],
        )
        .await?;
        use BrokerRequest as R;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .col(text(R::RequestId, 40).primary_key())
                    .col(ColumnDef::new(R::PurchaserKey).big_integer().not_null())
                    .col(text(R::Kind, 40))
                    .col(ColumnDef::new(R::Characteristics).text().not_null())
                    .col(text(R::Region, 2))
                    .col(text(R::Week, 10))
                    .col(at(R::CreatedAt))
                    .to_owned(),
            )
            .await?;
        // Analyses read requests by kind and week, counting purchasers and regions.
        index(
            manager,
            "ix_broker_request_kind_week",
            R::Table,
            &[
                R::Kind.into_iden(),
                R::Week.into_iden(),
                R::Region.into_iden(),
                R::PurchaserKey.into_iden(),
            ],
        )
        .await?;
        use BrokerRequestTrait as T;
        manager
            .create_table(
                Table::create()
                    .table(T::Table)
                    .col(text(T::RequestId, 40))
                    .col(text(T::TraitKey, 110))
                    .col(text(T::Kind, 40))
                    .col(ColumnDef::new(T::PurchaserKey).big_integer().not_null())
                    .col(text(T::Week, 10))
                    .primary_key(Index::create().col(T::RequestId).col(T::TraitKey))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_broker_request_trait_kind",
            T::Table,
            &[
                T::Kind.into_iden(),
                T::Week.into_iden(),
                T::TraitKey.into_iden(),
                T::PurchaserKey.into_iden(),
            ],
        )
        .await?;
        use BrokerOrder as O;
        manager
            .create_table(
                Table::create()
                    .table(O::Table)
                    .col(text(O::OrderId, 24).primary_key())
                    .col(text(O::Purchaser, 64))
                    .col(ColumnDef::new(O::PurchaserKey).big_integer().not_null())
                    .col(text(O::SellerId, 64))
                    .col(text(O::RequestId, 40))
                    .col(text(O::CommodityId, 40))
                    .col(text(O::Kind, 40))
                    .col(text(O::Title, 120))
                    .col(ColumnDef::new(O::Characteristics).text().not_null())
                    .col(ColumnDef::new(O::AmountMinor).big_integer().not_null())
                    .col(text(O::Currency, 3))
                    .col(text(O::Region, 2))
                    .col(text(O::Week, 10))
                    .col(at(O::PlacedAt))
                    .col(ColumnDef::new(O::EscrowOpened).boolean().not_null())
                    .col(text(O::EscrowState, 40))
                    .col(ColumnDef::new(O::Cancelled).boolean().not_null())
                    .col(ColumnDef::new(O::Cancelling).boolean().not_null())
                    .col(ColumnDef::new(O::Shipping).boolean().not_null())
                    .col(ColumnDef::new(O::DeliveryHandle).string_len(40).null())
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_broker_order_seller_week",
            O::Table,
            // Covering for every analysis of a seller's orders.
            &[
                O::SellerId.into_iden(),
                O::Week.into_iden(),
                O::Kind.into_iden(),
                O::Region.into_iden(),
                O::Cancelled.into_iden(),
                O::AmountMinor.into_iden(),
                O::PurchaserKey.into_iden(),
            ],
        )
        .await?;
        index(
            manager,
            "ix_broker_order_seller_placed",
            O::Table,
            &[O::SellerId.into_iden(), O::PlacedAt.into_iden()],
        )
        .await?;
        index(
            manager,
            "ix_broker_order_purchaser",
            O::Table,
            &[O::Purchaser.into_iden(), O::PlacedAt.into_iden()],
        )
        .await?;
        use BrokerReport as P;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(text(P::ReportId, 40).primary_key())
                    .col(text(P::SellerId, 64))
                    .col(text(P::Kind, 40))
                    .col(ColumnDef::new(P::Weeks).integer().not_null())
                    .col(ColumnDef::new(P::PriceMinor).big_integer().not_null())
                    .col(text(P::Currency, 3))
                    .col(text(P::ChargeId, 64))
                    .col(ColumnDef::new(P::Tables).text().not_null())
                    .col(at(P::CreatedAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_broker_report_seller",
            P::Table,
            &[P::SellerId.into_iden(), P::CreatedAt.into_iden()],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            BrokerReport::Table.into_iden(),
            BrokerOrder::Table.into_iden(),
            BrokerRequestTrait::Table.into_iden(),
            BrokerRequest::Table.into_iden(),
            BrokerCommodity::Table.into_iden(),
            BrokerSellerLogin::Table.into_iden(),
            BrokerSeller::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

async fn index<T: IntoIden>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
    columns: &[DynIden],
) -> Result<(), DbErr> {
    let mut index = Index::create();
    index.name(name).table(table);
    for c in columns {
        index.col(c.clone());
    }
    manager.create_index(index.to_owned()).await
}
