//! A missing or wrong ONNX Runtime library is a typed error, never a panic. In its own test
//! binary: the runtime is process-global, and these tests must run before any good load.

use keeper_search::model::{Embedder, EmbedderOptions, ModelPaths};
use keeper_search::runtime;

#[test]
fn a_missing_runtime_library_is_a_typed_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = runtime::load(&dir.path().join(runtime::LIBRARY_NAME)).unwrap_err();
    assert_eq!(err.code(), "onnxruntime_missing");
    assert!(err.to_string().contains("provision-model.sh"));
}

#[test]
fn a_file_that_is_not_onnx_runtime_is_a_typed_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let bogus = dir.path().join(runtime::LIBRARY_NAME);
    std::fs::write(&bogus, b"this is not a shared library").unwrap();
    let err = runtime::load(&bogus).unwrap_err();
    assert_eq!(err.code(), "onnxruntime_load_failed", "{err}");
}

#[test]
fn loading_the_model_from_an_empty_directory_names_the_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("model")).unwrap();
    let err = Embedder::load(
        &ModelPaths::from_dir(dir.path()),
        EmbedderOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.code(), "model_file_missing");
    assert!(err.to_string().contains("model.onnx"));
}
