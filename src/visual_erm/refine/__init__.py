"""Reflect-and-revise: the judge's discrepancy list fed back to the policy at test time."""

from visual_erm.refine.loop import (Attempt, PolicyClient, RefineConfig, RefineResult, feedback_text, first_prompt,
                                    refine, report_html, revision_prompt)

__all__ = ["Attempt", "PolicyClient", "RefineConfig", "RefineResult", "feedback_text", "first_prompt", "refine",
           "report_html", "revision_prompt"]
