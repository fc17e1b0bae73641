"""Helpers shared by the reward tests."""

from __future__ import annotations


def kk_task(row: dict) -> dict:
    return {"language": "kk", "names": row["names"], "statements": row["statements"]}


def flipped(solution_text: str) -> str:
    return solution_text.replace("knight", "@").replace("knave", "knight").replace("@", "knave")
