"""Quiz mode in the explorer: predict, then reveal.

With quiz mode on, the step about to be shown is first a question (:func:`question_for`): the output
cell a convolution step computes, which cell of a max-pooling window wins, an average's value, or a
layer's parameter count or output size on the model example. The student types an answer;
:func:`answer` checks it, keeps the session's :class:`~.quiz.Score` and says the arithmetic either way.
A pure state machine (:class:`QuizMode`): the screen only shows it and routes keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..core import infer_shapes
from ..explore import ConvState, ExplorerState, ModelState
from ..model.layer_names import slide_named
from .quiz import Question, Score, Verdict, check


def _name(state: ExplorerState) -> str:
    return state.example.title


def model_question(state: ModelState, layer: int) -> Question:
    """Layer ``layer`` of the model example: its parameter count, or (no weights) its output size."""
    info = infer_shapes(state.example.model)[layer]
    named = slide_named(info.name, info.type)
    params = {"example": state.example.key, "layer": info.name, "input_shape": list(info.input_shape)}
    if info.params:
        prompt = f"{named} takes {info.input_shape} to {info.output_shape}. How many parameters does it have?"
        return Question("parameters", prompt, params, float(info.params), info.param_formula)
    prompt = f"{named} takes {info.input_shape}. How large is the first axis of its output?"
    working = f"{info.shape_formula} → {info.shape_text}" if info.shape_formula else info.shape_text
    return Question("output_size", prompt, params, float(info.output_shape[0]), working)


def question_for(state: ExplorerState, step: int) -> Question | None:
    """The question for step ``step`` of ``state`` (None where there is nothing to predict: a lesson, or a
    window of zeros only, whose output is just the bias)."""
    if isinstance(state, ModelState):
        return model_question(state, step) if 0 <= step < state.num_steps else None
    if not isinstance(state, ConvState) or not 0 <= step < state.num_steps:
        return None
    from .quiz_make import cell_question, pool_question, trivial_window  # here: the explorer starts faster

    conv_steps = state.comp.conv_steps
    if step < conv_steps:
        assert state.comp.conv is not None
        if trivial_window(state.comp.conv.step(step).window):
            return None  # a window of zeros only: its output is the bias, the step is just shown
        return cell_question(state, step, _name(state))
    assert state.comp.pool is not None
    if trivial_window(state.comp.pool.step(step - conv_steps).window):
        return None
    return pool_question(state, step - conv_steps, _name(state))


@dataclass(frozen=True)
class QuizMode:
    """Quiz mode's state: on or off, the open question (for step ``step``), the last verdict, the score."""

    on: bool = False
    question: Question | None = None
    step: int = -1
    verdict: Verdict | None = None
    working: str = ""  # the arithmetic of the question just answered
    score: Score = field(default_factory=Score)

    def toggled(self) -> QuizMode:
        return replace(self, on=not self.on, question=None, step=-1, verdict=None, working="")

    def ask(self, state: ExplorerState, step: int) -> QuizMode:
        """Open the question for ``step`` (quiz mode off, or nothing to ask: unchanged, the step is shown)."""
        if not self.on:
            return self
        question = question_for(state, step)
        return replace(self, question=question, step=step if question else -1, verdict=None, working="")

    @property
    def asking(self) -> bool:
        return self.question is not None

    def answer(self, typed: str) -> QuizMode:
        """Check ``typed``: an unreadable answer keeps the question open (with the reason), else it is scored."""
        if self.question is None:
            return self
        verdict = check(self.question, typed)
        if not verdict.correct and verdict.message.startswith("Type "):
            return replace(self, verdict=verdict)
        return self.record(verdict)

    def record(self, verdict: Verdict) -> QuizMode:
        """Score ``verdict`` (the open question's, checked by :func:`~.quiz.check`) and close the question."""
        working = self.question.working if self.question is not None else ""
        return replace(self, question=None, verdict=verdict, working=working, score=self.score.add(verdict))

    def skip(self) -> QuizMode:
        """Reveal without an answer (not scored)."""
        if self.question is None:
            return self
        return replace(self, question=None, verdict=None, working=self.question.working)
