//! Throughput of the rule stages (sections, sentences, entities, lexicon sentiment, cue
//! claims, aggregation) over the articles in `corpus/articles`, in bytes of article text.
//!
//! ```text
//! cargo bench --bench pipeline
//! ```
//!
//! Building the pipeline (gazetteer, lexicon, regexes) is timed apart from running it.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use finnews::{Document, Pipeline};
use std::hint::black_box;
use std::path::Path;

fn corpus() -> Vec<Document> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/articles");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus/articles exists")
        .map(|e| e.unwrap().path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("txt" | "md")))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            let mut doc = Document::from_text(&p.display().to_string(), &text);
            if p.extension().is_some_and(|e| e == "md") {
                doc.format = finnews::document::Format::Markdown;
            }
            doc
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let docs = corpus();
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();

    c.bench_function("build pipeline", |b| {
        b.iter(|| black_box(Pipeline::fast().unwrap()))
    });

    let pipeline = Pipeline::fast().unwrap();
    let mut group = c.benchmark_group("rule stages");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function(
        format!(
            "corpus ({} articles, {} KB), one core",
            docs.len(),
            bytes / 1024
        ),
        |b| {
            b.iter_batched_ref(
                || docs.clone(),
                |docs| {
                    for doc in docs.iter_mut() {
                        pipeline.run(doc).unwrap();
                    }
                },
                criterion::BatchSize::LargeInput,
            )
        },
    );
    // Each stage alone, on documents that went through the stages before it.
    for (k, stage) in pipeline.stages().iter().enumerate() {
        let mut ready = docs.clone();
        for doc in &mut ready {
            for earlier in &pipeline.stages()[..k] {
                earlier.apply(doc).unwrap();
            }
        }
        group.bench_function(format!("stage {k}: {}", stage.name()), |b| {
            b.iter_batched_ref(
                || ready.clone(),
                |docs| {
                    for doc in docs.iter_mut() {
                        stage.apply(doc).unwrap();
                    }
                },
                criterion::BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
