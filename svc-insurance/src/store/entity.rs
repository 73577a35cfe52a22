//! sea-orm entities of the insurance tables.

/// A plan of the catalogue (`plan` table).
pub mod plan {
    use sea_orm::entity::prelude::*;

    /// One plan row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "plan")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub plan_id: String,
        pub name: String,
        pub summary: String,
        /// One coverage per line.
        pub coverages: String,
        /// Feature names separated by commas.
        pub features: String,
        pub base_premium_minor: i64,
        pub currency: String,
        pub min_driver_age: i32,
        pub max_driver_age: i32,
        pub min_vehicle_age: i32,
        pub max_vehicle_age: i32,
        pub max_annual_mileage: i32,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
