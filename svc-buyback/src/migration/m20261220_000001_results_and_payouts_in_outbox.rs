//! Results and payouts move to the shared durable outbox (`tandem_mesh::outbox`, whose
//! table the migrator creates just before): every result `result_outbox` had not
//! delivered becomes a "buyback-result" message, every application left inspected (its
//! payout not made yet) gets a "buyback-payout" message, and `result_outbox` goes.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The outbox topics, as the server names them at the time of this migration.
const RESULT_TOPIC: &str = "buyback-result";
const PAYOUT_TOPIC: &str = "buyback-payout";

#[derive(DeriveIden)]
enum ResultOutbox {
    Table,
    ApplicationId,
    Attempts,
    NextAttemptAt,
    DeliveredAt,
    LastError,
}

#[derive(DeriveIden)]
#[allow(clippy::enum_variant_names)] // variants are the SQL column names
enum Application {
    Table,
    ApplicationId,
    State,
    PaidAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    Topic,
    Payload,
    Status,
    Attempts,
    NextAttemptAt,
    LastError,
    CreatedAt,
}

/// Queues the messages `select` lists: ID, topic, payload, status, attempts, next
/// attempt, last error and creation time.
async fn queue(manager: &SchemaManager<'_>, select: SelectStatement) -> Result<(), DbErr> {
    let columns = [
        Outbox::Id,
        Outbox::Topic,
        Outbox::Payload,
        Outbox::Status,
        Outbox::Attempts,
        Outbox::NextAttemptAt,
        Outbox::LastError,
        Outbox::CreatedAt,
    ];
    manager
        .exec_stmt(
            Query::insert()
                .into_table(Outbox::Table)
                .columns(columns)
                .select_from(select)
                .map_err(|e| DbErr::Migration(e.to_string()))?
                .to_owned(),
        )
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Application as A;
        use ResultOutbox as R;
        // Undelivered results, due when they were, with their attempts and last error;
        // queued when the application was paid (the outbox delivers oldest first).
        let results = Query::select()
            .expr(Expr::col((R::Table, R::ApplicationId)))
            .expr(Expr::val(RESULT_TOPIC))
            .expr(Expr::col((R::Table, R::ApplicationId)))
            .expr(Expr::val("pending"))
            .expr(Expr::col((R::Table, R::Attempts)))
            .expr(Expr::col((R::Table, R::NextAttemptAt)))
            .expr(Expr::cust(
                "NULLIF(SUBSTR(result_outbox.last_error, 1, 400), '')",
            ))
            .expr(Func::coalesce([
                Expr::col((A::Table, A::PaidAt)),
                Expr::col((A::Table, A::UpdatedAt)),
            ]))
            .from(R::Table)
            .inner_join(
                A::Table,
                Expr::col((A::Table, A::ApplicationId)).equals((R::Table, R::ApplicationId)),
            )
            .and_where(Expr::col((R::Table, R::DeliveredAt)).is_null())
            .to_owned();
        queue(manager, results).await?;
        // Payouts not made yet (settlement was down), due now.
        let inspected = Query::select()
            .expr(Expr::cust("application_id || ':payout'"))
            .expr(Expr::val(PAYOUT_TOPIC))
            .column(A::ApplicationId)
            .expr(Expr::val("pending"))
            .expr(Expr::val(0))
            .column(A::UpdatedAt)
            .expr(Expr::val(Option::<String>::None))
            .column(A::UpdatedAt)
            .from(A::Table)
            .and_where(Expr::col(A::State).eq("inspected"))
            .to_owned();
        queue(manager, inspected).await?;
        manager
            .drop_table(Table::drop().table(R::Table).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ResultOutbox as R;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .col(
                        ColumnDef::new(R::ApplicationId)
                            .string_len(40)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(R::Attempts).integer().not_null())
                    .col(
                        ColumnDef::new(R::NextAttemptAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(R::DeliveredAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(R::LastError).string_len(500).not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(R::Table, R::ApplicationId)
                            .to(Application::Table, Application::ApplicationId),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_result_outbox_due")
                    .table(R::Table)
                    .col(R::DeliveredAt)
                    .col(R::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        let pending = Query::select()
            .column(Outbox::Payload)
            .column(Outbox::Attempts)
            .column(Outbox::NextAttemptAt)
            .expr(Expr::cust("COALESCE(last_error, '')"))
            .from(Outbox::Table)
            .and_where(Expr::col(Outbox::Topic).eq(RESULT_TOPIC))
            .and_where(Expr::col(Outbox::Status).eq("pending"))
            .to_owned();
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(R::Table)
                    .columns([
                        R::ApplicationId,
                        R::Attempts,
                        R::NextAttemptAt,
                        R::LastError,
                    ])
                    .select_from(pending)
                    .map_err(|e| DbErr::Migration(e.to_string()))?
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::delete()
                    .from_table(Outbox::Table)
                    .and_where(Expr::col(Outbox::Topic).is_in([RESULT_TOPIC, PAYOUT_TOPIC]))
                    .to_owned(),
            )
            .await
    }
}
