//! What the server tests and the load benchmark's body generator share: an order every Gate
//! sale accepts.

use wallet_partner::{Amount, Customer, Order, ReturnUrl};

/// An order of `paise` with every customer field a Gate sale needs.
pub fn order(id: &str, paise: u64) -> Order {
    let customer = Customer {
        id: "c-1".into(),
        ip_address: Some("203.0.113.7".into()),
        first_name: Some("Aarav".into()),
        last_name: Some("Sharma".into()),
        phone: Some("919876543210".into()),
        email: Some("aarav@example.in".into()),
    };
    let amount = Amount::new(paise).expect("an amount within the method's limits");
    Order::new(
        id,
        amount,
        customer,
        ReturnUrl::new("https://shop.example/ok"),
    )
}
