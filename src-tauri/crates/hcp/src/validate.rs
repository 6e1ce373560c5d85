//! Checks made before anything is sent, so a bad value is reported with the
//! field it is in instead of as an opaque API error (or not at all).

use crate::error::Error;
use crate::models::{AddressInput, CustomerInput, CustomerUpdate};

pub(crate) fn invalid(field: &str, problem: &str) -> Error {
    Error::InvalidInput {
        message: format!("{field} {problem}"),
    }
}

fn blank(value: Option<&str>) -> bool {
    value.is_none_or(|v| v.trim().is_empty())
}

/// A deliberately loose shape check (one `@`, text on both sides, a dot in
/// the domain, no spaces): it catches typos and pasted junk, not every
/// address a mail server would refuse.
pub(crate) fn email(field: &str, value: &str) -> Result<(), Error> {
    let value = value.trim();
    let ok = match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !value.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if ok {
        Ok(())
    } else {
        Err(invalid(field, "is not a valid email address"))
    }
}

/// A phone number needs some digits; the API stores numbers as typed.
fn phone(field: &str, value: &str) -> Result<(), Error> {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let allowed = value
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().x#*".contains(c) || c.is_ascii_alphabetic());
    if (7..=20).contains(&digits) && allowed {
        Ok(())
    } else {
        Err(invalid(field, "is not a valid phone number"))
    }
}

pub(crate) fn customer_input(input: &CustomerInput) -> Result<(), Error> {
    let identity = [
        &input.first_name,
        &input.last_name,
        &input.email,
        &input.mobile_number,
        &input.home_number,
        &input.work_number,
    ];
    if identity.iter().all(|v| blank(v.as_deref())) {
        return Err(Error::InvalidInput {
            message: "a customer needs a first name, last name, email or phone number".to_owned(),
        });
    }
    if let Some(e) = input.email.as_deref().filter(|e| !e.trim().is_empty()) {
        email("email", e)?;
    }
    for (field, value) in [
        ("mobile_number", &input.mobile_number),
        ("home_number", &input.home_number),
        ("work_number", &input.work_number),
    ] {
        if let Some(v) = value.as_deref().filter(|v| !v.trim().is_empty()) {
            phone(field, v)?;
        }
    }
    Ok(())
}

pub(crate) fn customer_update(update: &CustomerUpdate) -> Result<(), Error> {
    if let Some(Some(e)) = &update.email {
        if !e.trim().is_empty() {
            email("email", e)?;
        }
    }
    for (field, value) in [
        ("mobile_number", &update.mobile_number),
        ("home_number", &update.home_number),
        ("work_number", &update.work_number),
    ] {
        if let Some(Some(v)) = value {
            if !v.trim().is_empty() {
                phone(field, v)?;
            }
        }
    }
    Ok(())
}

pub(crate) fn address_input(input: &AddressInput) -> Result<(), Error> {
    for (field, value) in [
        ("street", &input.street),
        ("city", &input.city),
        ("state", &input.state),
        ("zip", &input.zip),
        ("country", &input.country),
    ] {
        if value.trim().is_empty() {
            return Err(invalid(field, "is required for an address"));
        }
    }
    for (field, value, limit) in [
        ("latitude", input.latitude, 90.0),
        ("longitude", input.longitude, 180.0),
    ] {
        if value.is_some_and(|v| !v.is_finite() || v.abs() > limit) {
            return Err(invalid(field, "is out of range"));
        }
    }
    Ok(())
}

pub(crate) fn paging(page: Option<u32>, page_size: Option<u32>) -> Result<(), Error> {
    if page == Some(0) {
        return Err(invalid("page", "starts at 1"));
    }
    if page_size == Some(0) {
        return Err(invalid("page_size", "must be at least 1"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for ok in ["a@b.co", " jo.smith+hvac@example.com "] {
            assert!(email("email", ok).is_ok(), "{ok}");
        }
        for bad in [
            "", "a", "a@", "@b.co", "a@b", "a@@b.co", "a b@c.co", "a@.co", "a@b.",
        ] {
            let err = email("email", bad).expect_err(bad);
            assert_eq!(err.code(), "validation");
            assert!(err.to_string().contains("email"), "{err}");
        }
    }

    #[test]
    fn customers_need_an_identity() {
        let err = customer_input(&CustomerInput {
            company: Some("Acme".into()),
            first_name: Some("  ".into()),
            ..CustomerInput::default()
        })
        .expect_err("no identity");
        assert!(err.to_string().contains("first name"), "{err}");
        assert!(customer_input(&CustomerInput {
            home_number: Some("(303) 555-0142".into()),
            ..CustomerInput::default()
        })
        .is_ok());
        let err = customer_input(&CustomerInput {
            first_name: Some("Ann".into()),
            mobile_number: Some("call me".into()),
            ..CustomerInput::default()
        })
        .expect_err("bad phone");
        assert!(err.to_string().contains("mobile_number"), "{err}");
    }

    #[test]
    fn updates_and_addresses() {
        assert!(customer_update(&CustomerUpdate {
            email: Some(None),
            ..CustomerUpdate::default()
        })
        .is_ok());
        assert!(customer_update(&CustomerUpdate {
            email: Some(Some("nope".into())),
            ..CustomerUpdate::default()
        })
        .is_err());
        let good = AddressInput {
            street: "1 Main St".into(),
            city: "Denver".into(),
            state: "CO".into(),
            zip: "80202".into(),
            country: "US".into(),
            ..AddressInput::default()
        };
        assert!(address_input(&good).is_ok());
        let err = address_input(&AddressInput {
            zip: " ".into(),
            ..good.clone()
        })
        .expect_err("zip");
        assert!(err.to_string().contains("zip"), "{err}");
        assert!(address_input(&AddressInput {
            latitude: Some(f64::NAN),
            ..good
        })
        .is_err());
        assert!(paging(Some(0), None).is_err());
        assert!(paging(None, Some(0)).is_err());
        assert!(paging(Some(1), Some(50)).is_ok());
    }
}
