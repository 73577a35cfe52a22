//! The refund-by-line migration on a database that already holds payments, on SQLite and
//! PostgreSQL: the lines of a payment refunded in full before are marked refunded with
//! its refund and reversing transaction; a settled payment's lines stand.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use sea_orm_migration::MigratorTrait;
use svc_settlement::domain::PaymentStatus;
use svc_settlement::migration::Migrator;
use svc_settlement::store::{self, entity::payment_line};
use tandem_mesh::testing::TestDb;

/// A refunded payment `pay_old` (two lines, its payment and refund transactions) and a
/// settled one `pay_open`, as the schema before the migration stores them.
const BEFORE: &[&str] = &[
    "INSERT INTO payment (payment_id, payer_id, status, currency, total_minor, card_brand, \
     card_last4, decline_reason, reference, processor_reference, created_at, refunded_at, \
     refund_reason, refund_reference) VALUES \
     ('pay_old', 'CUS-1', 'refunded', 'USD', 300, 'visa', '4242', '', 'c-1', 'test_auth_1', \
      '2026-12-01T10:00:00+00:00', '2026-12-02T10:00:00+00:00', 'compensation', 'test_refund_1'), \
     ('pay_open', 'CUS-1', 'settled', 'USD', 50, 'visa', '4242', '', 'c-2', 'test_auth_2', \
      '2026-12-01T10:00:00+00:00', NULL, '', NULL)",
    "INSERT INTO payment_line (payment_id, line_no, payee_account, amount_minor, reference) \
     VALUES ('pay_old', 0, 'merchant:insurance', 100, 'QUO-1'), \
     ('pay_old', 1, 'merchant:accessory', 200, 'TA-1'), \
     ('pay_open', 0, 'merchant:accessory', 50, 'TA-2')",
    "INSERT INTO ledger_transaction (transaction_id, kind, payment_id, created_at) VALUES \
     ('txn_pay', 'payment', 'pay_old', '2026-12-01T10:00:00+00:00'), \
     ('txn_back', 'refund', 'pay_old', '2026-12-02T10:00:00+00:00')",
];

#[tokio::test]
async fn lines_of_payments_refunded_before_are_marked_refunded() {
    for db in TestDb::all().await {
        let conn = tandem_mesh::db::connect(&db.url).await.unwrap();
        let all = Migrator::migrations().len();
        Migrator::up(&conn, Some(u32::try_from(all - 1).unwrap()))
            .await
            .unwrap();
        for sql in BEFORE {
            conn.execute_unprepared(sql).await.unwrap();
        }
        Migrator::up(&conn, None).await.unwrap();

        let lines = payment_line::Entity::find()
            .filter(payment_line::Column::PaymentId.eq("pay_old"))
            .order_by_asc(payment_line::Column::LineNo)
            .all(&conn)
            .await
            .unwrap();
        for line in &lines {
            assert!(line.refunded_at.is_some(), "{}: {line:?}", db.kind);
            assert_eq!(line.refund_reason, "compensation");
            assert_eq!(line.refund_reference.as_deref(), Some("test_refund_1"));
            assert_eq!(line.refund_transaction_id.as_deref(), Some("txn_back"));
        }
        let old = store::payment(&conn, "pay_old").await.unwrap().unwrap();
        assert_eq!(old.status, PaymentStatus::Refunded);
        assert_eq!(old.refunded_minor(), 300);
        let open = store::payment(&conn, "pay_open").await.unwrap().unwrap();
        assert!(open.lines.iter().all(|l| l.refund.is_none()), "{open:?}");
        assert_eq!(open.lines_to_refund(Some("TA-2")), Ok(vec![0]));
        conn.close().await.ok();
        db.cleanup().await;
    }
}
