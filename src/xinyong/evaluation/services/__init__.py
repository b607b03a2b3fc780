"""The evaluation service layer: the only code that writes model versions, runs and scores.

Views, the API, commands and jobs call these names; the submodules are an implementation
detail.
"""

from xinyong.evaluation.services.explain import (
    Explanation,
    explain,
    explain_all,
    explain_score,
)
from xinyong.evaluation.services.grade_reads import (
    HistoryRow,
    PublicGrade,
    grade_history,
    log_read,
    public_grades,
)
from xinyong.evaluation.services.report import Backtest, backtest
from xinyong.evaluation.services.runs import (
    current_score,
    current_scores,
    evaluate_subjects,
    grade_counts,
    last_full_run,
    run_full,
    run_model,
    run_subjects,
    score_history,
)
from xinyong.evaluation.services.schedule import daily, mark_day_changes, runs_due
from xinyong.evaluation.services.stale import (
    Reevaluation,
    mark_stale,
    reevaluate_stale,
    sweep,
)
from xinyong.evaluation.services.supervision import (
    NO_DISTRICT,
    GradeFact,
    Overview,
    Supervised,
    all_supervised_subjects,
    grades_at,
    supervised_subjects,
    supervision_overview,
)
from xinyong.evaluation.services.versions import (
    EvaluationError,
    Published,
    latest_version,
    model_file,
    model_files,
    publish,
    publish_all,
    published_versions,
    spec_of,
)

__all__ = [
    "NO_DISTRICT",
    "Backtest",
    "EvaluationError",
    "Explanation",
    "GradeFact",
    "HistoryRow",
    "Overview",
    "PublicGrade",
    "Published",
    "Reevaluation",
    "Supervised",
    "all_supervised_subjects",
    "backtest",
    "current_score",
    "current_scores",
    "daily",
    "evaluate_subjects",
    "explain",
    "explain_all",
    "explain_score",
    "grade_counts",
    "grade_history",
    "grades_at",
    "last_full_run",
    "latest_version",
    "log_read",
    "mark_day_changes",
    "mark_stale",
    "model_file",
    "model_files",
    "public_grades",
    "publish",
    "publish_all",
    "published_versions",
    "reevaluate_stale",
    "run_full",
    "run_model",
    "run_subjects",
    "runs_due",
    "score_history",
    "spec_of",
    "supervised_subjects",
    "supervision_overview",
    "sweep",
]
