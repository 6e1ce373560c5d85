//! Request and response shapes, named and typed as in the spec's schemas
//! (`Customer`, `Address`, `Attachment`, `CustomerCreate`, `CustomerUpdate`,
//! `AddressCreate`, `PaginatedList`).

mod customer;
mod input;
mod query;
#[cfg(test)]
mod tests;

pub use customer::{Address, AddressesPage, Attachment, Customer, CustomersPage};
pub use input::{AddressInput, CustomerInput, CustomerUpdate, NewCustomerAddress};
pub use query::{AddressQuery, AddressSort, CustomerQuery, CustomerSort, SortDirection};
