//! What `tandem up` prints once everything listens.

use crate::launch::Mesh;
use crate::target::Target;
use crate::trust::LocalPki;

/// What `tandem up` prints once everything listens: where to point a browser, where the
/// sales desk's e-mail goes (`mail`: the `.eml` folder when no SMTP server is set), each
/// server's address, the metrics URL, and the demo buy-back staff and seller logins.
pub fn print(
    mesh: &Mesh,
    elapsed_ms: u128,
    demo_data: bool,
    mail: Option<&std::path::Path>,
    pki: &LocalPki,
    metrics_url: &str,
) {
    let data = if demo_data {
        "demo data loaded"
    } else {
        "no demo data"
    };
    println!("\nTandem is up in {elapsed_ms} ms: six services and the gateway, {data}.\n");
    if let Some(url) = mesh.url(Target::Gateway) {
        println!("  web UI + REST   {url}/   (OpenAPI: {url}/api/openapi.json)");
        println!("  sales desk      {url}/sales   (staff page: {url}/staff)");
        println!("  buy anonymously {url}/anonymous   (seller desk: {url}/seller)");
    }
    match mail {
        Some(dir) => println!(
            "  e-mail          written to {} as .eml files (no --leads-smtp-url)",
            dir.display()
        ),
        None => println!("  e-mail          sent through --leads-smtp-url"),
    }
    for (target, addr) in mesh.addrs() {
        if *target != Target::Gateway {
            println!("  {:<15} grpc {addr}", target.as_str());
        }
    }
    println!("  metrics         {metrics_url}");
    if demo_data {
        let logins: Vec<&str> = svc_buyback::store::seed::DEMO_STAFF
            .iter()
            .map(|(id, _, _)| *id)
            .collect();
        println!(
            "\n  buy-back staff desk (web UI: Buy-back → Staff desk): log in as {} with password {}",
            logins.join(" or "),
            svc_buyback::store::seed::DEMO_STAFF_PASSWORD
        );
        let sellers: Vec<&str> = svc_accessory::store::broker::seed::demo_logins().collect();
        println!(
            "  seller desk (web UI: Seller desk): log in as {} with password {}",
            sellers.join(", "),
            svc_accessory::store::broker::seed::DEMO_SELLER_PASSWORD
        );
    }
    let example = mesh
        .addr(Target::Insurance)
        .map_or_else(|| "127.0.0.1:50051".to_owned(), |a| a.to_string());
    println!(
        "\n  mutual TLS: partners' certificates from the CA in {} (tandem pki issue <partner>)",
        pki.dir.display()
    );
    let dev = &pki.developer;
    println!(
        "\nTry: grpcurl -cacert {} -cert {} -key {} {example} list",
        dev.ca.display(),
        dev.cert.display(),
        dev.key.display()
    );
    println!("\nPress Ctrl-C to stop.\n");
}
