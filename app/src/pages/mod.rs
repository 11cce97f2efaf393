//! One page per file.

pub mod agent_admin;
pub mod agent_canned;
pub mod agent_contact;
pub mod agent_contacts;
pub mod agent_departments;
pub mod agent_desk;
pub mod agent_inbox;
pub mod agent_login;
pub mod agent_mail;
pub mod agent_search;
pub mod agent_settings;
pub mod agent_ticket;
pub mod canned_picker;
pub mod help;
pub mod kb;
pub mod markdown_bar;
pub mod not_found;
pub mod portal_account;
pub mod portal_home;
pub mod portal_ticket;
pub mod presence;
pub mod setup;
pub mod side_list;
pub mod survey;
pub mod ticket_side;
pub mod uploader;
