//! `funnel_counts`: how many visits of the public wizard reached a step, per department, meeting
//! type and local day. A key may have several rows (processes add their counts apart); readers
//! sum them.

use mm_domain::funnel::FunnelStep;
use sea_orm::entity::prelude::*;

use super::Word;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "funnel_counts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub day: Date,
    pub department_id: Uuid,
    pub meeting_type_id: Option<Uuid>,
    pub step: Word<FunnelStep>,
    pub visits: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
