"""Training data for judges: VC-RewardBench-layout pairs exported as chat records."""

from visual_erm.data.export import ExportConfig, ExportReport, export, find_data_file, make_record, target_verdict

__all__ = ["ExportConfig", "ExportReport", "export", "find_data_file", "make_record", "target_verdict"]
