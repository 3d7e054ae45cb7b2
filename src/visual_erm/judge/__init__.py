"""Judges compare a reference image and a rendering in visual space and return a Verdict."""

from visual_erm.judge.registry import BaseJudge, Judge, get_judge, list_judges, register_judge

__all__ = ["BaseJudge", "Judge", "get_judge", "list_judges", "register_judge"]
