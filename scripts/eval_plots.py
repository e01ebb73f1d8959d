"""Confusion-matrix plots for the evaluation report (``make eval``).

Split from scripts/eval_anger.py to keep each file to one idea; ``plot_confusions`` and
``plot_anger`` are still importable from there.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence


def plot_confusions(panels: Sequence[dict[str, Any]], path: str | Path, title: str = "") -> Path:
    """One PNG with a confusion matrix per panel.

    A panel is ``{"title", "matrix", "rows", "columns"}`` (rows = truth). Cells
    show counts, coloured by their share of the row, so a small class reads as
    clearly as a large one.
    """
    import warnings

    import matplotlib

    matplotlib.use("Agg")
    with warnings.catch_warnings():
        # Rasa/TensorFlow turn DeprecationWarnings back on; pyparsing's, raised while matplotlib
        # reads its bundled styles, would then be logged on stdout.
        warnings.simplefilter("ignore", DeprecationWarning)
        import matplotlib.pyplot as plt
    import numpy as np

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    widths = [max(3.2, 0.62 * len(p["columns"]) + 1.8) for p in panels]
    height = max(3.0, 0.5 * max(len(p["rows"]) for p in panels) + 2.2)
    fig, axes = plt.subplots(1, len(panels), figsize=(sum(widths), height + (0.4 if title else 0)),
                             gridspec_kw={"width_ratios": widths}, squeeze=False)
    for ax, panel in zip(axes[0], panels):
        counts = np.asarray(panel["matrix"], dtype=float).reshape(len(panel["rows"]), len(panel["columns"]))
        totals = counts.sum(axis=1, keepdims=True)
        share = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
        ax.imshow(share, cmap="Blues", vmin=0, vmax=1, aspect="auto")
        for i in range(counts.shape[0]):
            for j in range(counts.shape[1]):
                if counts[i, j] or panel["rows"][i] == panel["columns"][j]:
                    ax.text(j, i, f"{int(counts[i, j])}", ha="center", va="center", fontsize=8,
                            color="white" if share[i, j] > 0.6 else "black")
        ax.set_xticks(range(len(panel["columns"])))
        ax.set_xticklabels(panel["columns"], rotation=45, ha="right", fontsize=8)
        ax.set_yticks(range(len(panel["rows"])))
        ax.set_yticklabels(panel["rows"], fontsize=8)
        ax.set_xlabel("predicted")
        ax.set_ylabel("true")
        ax.set_title(panel.get("title", ""), fontsize=9)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_anger(report: dict[str, Any], out: Path) -> dict[str, Path]:
    """confusion_anger_heldout.png (4x4) and confusion_anger_goemotions.png (2x2, both readings of angry).

    Model beside baseline in each.
    """
    held, bench = report["held_out"], report["goemotions"]["scores"]
    return {
        "anger_heldout": plot_confusions(
            [{"title": f"{name}: exact {100 * m['exact']:.1f}%", "matrix": m["confusion"],
              "rows": m["labels"], "columns": m["labels"]} for name, m in held.items()],
            out / "confusion_anger_heldout.png",
            f"Anger level, held-out {report['split']['test']} messages (seed {report['seed']})"),
        "anger_goemotions": plot_confusions(
            [{"title": f"{name}, {reading}: F1 {100 * m['f1']:.1f}%", "matrix": m["confusion"],
              "rows": m["labels"], "columns": m["labels"]}
             for reading, scores in (("angry or abusive", bench),
                                     ("any anger", report["goemotions"]["scores_any_anger"]))
             for name, m in scores.items()],
            out / "confusion_anger_goemotions.png",
            f"Angry or not, GoEmotions dev ({report['goemotions']['n']} Reddit comments)"),
    }
