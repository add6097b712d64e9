//! Column and table builders shared by the migrations (portable between SQLite and PostgreSQL).
use sea_orm_migration::prelude::*;

pub(crate) fn uuid_pk(name: &'static str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .uuid()
        .not_null()
        .primary_key()
        .to_owned()
}
pub(crate) fn uuid(name: &'static str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .uuid()
        .not_null()
        .to_owned()
}
pub(crate) fn uuid_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).uuid().null().to_owned()
}
pub(crate) fn text(name: &'static str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .text()
        .not_null()
        .to_owned()
}
pub(crate) fn text_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).text().null().to_owned()
}
pub(crate) fn boolean(name: &'static str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .boolean()
        .not_null()
        .default(false)
        .to_owned()
}
pub(crate) fn int(name: &'static str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .integer()
        .not_null()
        .default(0)
        .to_owned()
}
pub(crate) fn int_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).integer().null().to_owned()
}
pub(crate) fn double_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).double().null().to_owned()
}
pub(crate) fn ts(name: &'static str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}
pub(crate) fn ts_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

pub(crate) fn table(name: &'static str, cols: Vec<ColumnDef>) -> TableCreateStatement {
    let mut t = Table::create();
    t.table(Alias::new(name));
    for mut c in cols {
        t.col(&mut c);
    }
    t.to_owned()
}

pub(crate) fn text_unique(name: &'static str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .text()
        .not_null()
        .unique_key()
        .to_owned()
}
