//! Evaluation: gold-labeled articles -> the pipeline's predictions -> metrics per stage.
