//! `meeting_type_questions`: A custom question of a meeting type.

use mm_domain::meeting_type::QuestionKind;
use sea_orm::entity::prelude::*;

use super::Word;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting_type_questions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub meeting_type_id: Uuid,
    pub position: i32,
    pub key: String,
    pub label: String,
    pub kind: Word<QuestionKind>,
    pub required: bool,
    pub options: Json,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
