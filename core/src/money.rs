//! Money: amounts in paise, INR only (SPEC §1).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The only currency wallet-partner accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Currency {
    /// Indian rupee.
    #[serde(rename = "INR")]
    Inr,
}

impl Currency {
    /// The ISO 4217 code (`"INR"`).
    pub fn as_str(self) -> &'static str {
        "INR"
    }

    /// Parses a currency code; anything but `INR` (exactly) is an error.
    ///
    /// ```
    /// use wallet_partner::Currency;
    /// assert!(Currency::parse("INR").is_ok());
    /// assert_eq!(Currency::parse("EUR").unwrap_err().code(), 1001);
    /// ```
    pub fn parse(code: &str) -> Result<Currency> {
        Currency::parse_field(code, "payment.currency")
    }

    pub(crate) fn parse_field(code: &str, field: &str) -> Result<Currency> {
        if code == "INR" {
            Ok(Currency::Inr)
        } else {
            Err(Error::UnsupportedCurrency {
                field: field.to_owned(),
                got: code.to_owned(),
            })
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An amount of INR in paise (minor units), within the method's limits.
///
/// ```
/// use wallet_partner::Amount;
/// let a = Amount::new(150_050).unwrap();
/// assert_eq!(a.paise(), 150_050);
/// assert_eq!(a.to_string(), "1500.50 INR");
/// assert_eq!(Amount::new(99).unwrap_err().code(), 1002);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u64")]
pub struct Amount(u64);

impl Amount {
    /// The smallest amount accepted: 100 paise (1.00 INR).
    pub const MIN: u64 = 100;
    /// The largest amount accepted: 40 000 000 paise (400 000.00 INR).
    pub const MAX: u64 = 40_000_000;

    /// An amount in paise; outside 100..=40 000 000 is [`Error::AmountOutOfRange`].
    pub fn new(paise: u64) -> Result<Amount> {
        Amount::checked(i128::from(paise), "payment.amount")
    }

    /// An amount from any signed integer (negative and huge values are rejected, not wrapped).
    pub fn from_i128(paise: i128) -> Result<Amount> {
        Amount::checked(paise, "payment.amount")
    }

    pub(crate) fn checked(paise: i128, field: &str) -> Result<Amount> {
        if (i128::from(Amount::MIN)..=i128::from(Amount::MAX)).contains(&paise) {
            Ok(Amount(paise as u64))
        } else {
            Err(Error::AmountOutOfRange {
                field: field.to_owned(),
                got: paise.to_string(),
            })
        }
    }

    /// The amount in paise.
    pub fn paise(self) -> u64 {
        self.0
    }
}

impl TryFrom<u64> for Amount {
    type Error = Error;
    fn try_from(paise: u64) -> Result<Amount> {
        Amount::new(paise)
    }
}

impl From<Amount> for u64 {
    fn from(a: Amount) -> u64 {
        a.0
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02} INR", self.0 / 100, self.0 % 100)
    }
}
