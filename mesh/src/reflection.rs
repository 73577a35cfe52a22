//! Server reflection advertising what one server serves, described by only the contract
//! files it needs: the files that define its services and the files they import. (The
//! built-in descriptor set holds every Tandem contract; each reflection service keeps its
//! own index of the files it was given, so giving every server all of them kept seven
//! copies of everything in memory.)

use std::collections::{BTreeSet, HashMap};

use prost::Message;
use prost_types::FileDescriptorSet;

/// The reflection builder for a server of `services` (full names, e.g.
/// `tandem.insurance.v1.InsurancePlans`) and the standard health service.
pub fn builder(services: &[&'static str]) -> tonic_reflection::server::Builder<'static> {
    let mut builder = tonic_reflection::server::Builder::configure()
        .register_file_descriptor_set(files_for(services))
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .with_service_name("grpc.health.v1.Health");
    for service in services {
        builder = builder.with_service_name(*service);
    }
    builder
}

/// The Tandem contract files that define `services` and everything they import.
pub fn files_for(services: &[&str]) -> FileDescriptorSet {
    let all = FileDescriptorSet::decode(tandem_proto::FILE_DESCRIPTOR_SET)
        .expect("the descriptor set built into tandem-proto decodes");
    let by_name: HashMap<&str, _> = all.file.iter().map(|f| (f.name(), f)).collect();
    let mut wanted: Vec<&str> = all
        .file
        .iter()
        .filter(|f| {
            f.service
                .iter()
                .any(|s| services.contains(&format!("{}.{}", f.package(), s.name()).as_str()))
        })
        .map(|f| f.name())
        .collect();
    let mut kept = BTreeSet::new();
    while let Some(name) = wanted.pop() {
        if kept.insert(name)
            && let Some(file) = by_name.get(name)
        {
            wanted.extend(file.dependency.iter().map(String::as_str));
        }
    }
    let file = all
        .file
        .iter()
        .filter(|f| kept.contains(f.name()))
        .cloned()
        .collect();
    FileDescriptorSet { file }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(set: &FileDescriptorSet) -> Vec<&str> {
        set.file.iter().map(|f| f.name()).collect()
    }

    #[test]
    fn a_server_gets_its_own_files_and_their_imports_only() {
        let insurance = files_for(&["tandem.insurance.v1.InsurancePlans"]);
        let names = names(&insurance);
        assert!(
            names.contains(&"tandem/insurance/v1/insurance.proto"),
            "{names:?}"
        );
        assert!(
            names.contains(&"tandem/common/v1/common.proto"),
            "imported: {names:?}"
        );
        assert!(!names.iter().any(|n| n.contains("buyback")), "{names:?}");
        let all = FileDescriptorSet::decode(tandem_proto::FILE_DESCRIPTOR_SET).unwrap();
        assert!(insurance.file.len() < all.file.len());
    }

    #[test]
    fn an_unknown_service_gets_nothing() {
        assert!(files_for(&["tandem.nothing.v1.Nothing"]).file.is_empty());
    }
}
