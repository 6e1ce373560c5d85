//! One-contact sync against both sandboxes with 50 ms added to every
//! request: wall time of preview and apply, requests sent, and sequential
//! round trips on the critical path (wall time / latency, rounded down: the
//! local work is a few milliseconds).
//!
//! `cargo bench -p sync --bench one_contact`

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use sync::{Choices, SyncTarget};

const LATENCY: Duration = Duration::from_millis(50);

fn trips(d: Duration) -> u128 {
    d.as_millis() / LATENCY.as_millis()
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let w = common::world().await;
    w.ghl.set_faults(sandbox::Faults {
        latency: LATENCY,
        ..sandbox::Faults::none()
    });
    w.hcp.set_latency(LATENCY);
    let engine = w.engine();
    println!(
        "one-contact sync, {} ms added per request",
        LATENCY.as_millis()
    );
    println!(
        "{:<22} {:>9} {:>9} {:>6} {:>6} {:>6}",
        "case", "preview", "apply", "trips", "GHL", "HCP"
    );
    let mut n = 0;
    for case in [
        "new GHL contact",
        "linked, both edited",
        "linked, unchanged",
    ] {
        n += 1;
        let cus = format!("cus_bench{n}");
        match case {
            "new GHL contact" => w.hcp.set_customer(common::full_customer(
                &cus,
                &format!("bench{n}@example.com"),
                "303 555 0300",
            )),
            _ => {
                w.hcp.set_customer(common::full_customer(
                    &cus,
                    &format!("bench{n}@example.com"),
                    &format!("303 555 03{n:02}"),
                ));
                let out = engine
                    .apply(SyncTarget::Hcp(cus.clone()), &Choices::new(), None)
                    .await
                    .expect("first sync");
                if case == "linked, both edited" {
                    w.hcp
                        .update_customer_field(&cus, "last_name", Some("Edited"))
                        .expect("edit");
                    w.ghl_client()
                        .update_contact(
                            &out.ghl_contact_id,
                            &ghl::ContactUpdate {
                                city: Some("Boulder".into()),
                                first_name: Some("Annie".into()),
                                ..Default::default()
                            },
                        )
                        .await
                        .expect("edit");
                }
            }
        }
        let (g0, h0) = (w.ghl.stats().requests, w.hcp.stats().requests);
        let t = Instant::now();
        engine
            .preview(SyncTarget::Hcp(cus.clone()), None)
            .await
            .expect("preview");
        let preview = t.elapsed();
        let t = Instant::now();
        engine
            .apply(SyncTarget::Hcp(cus.clone()), &Choices::new(), None)
            .await
            .expect("apply");
        let apply = t.elapsed();
        println!(
            "{case:<22} {:>7}ms {:>7}ms {:>2}+{:<3} {:>6} {:>6}",
            preview.as_millis(),
            apply.as_millis(),
            trips(preview),
            trips(apply),
            w.ghl.stats().requests - g0,
            w.hcp.stats().requests - h0,
        );
    }
}
