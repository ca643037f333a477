"""Learning rates: optimizers' `learning_rate`, learning_rate_schedule_*() and
callback_learning_rate_scheduler() refuse rates Keras would train on without a word (Inf,
NaN, negative, R's NA read as TRUE), naming the argument or the function."""
from __future__ import annotations

import numpy as np
import pytest

from rkbridge import api
from rkbridge._keras import keras
from rkbridge.boundary.rfunctions import r_function
from rkbridge.errors import RkCallbackError, RkValueError
from rkbridge.training import model as M
from rkbridge.wrappers import args as A

API = api.API


@pytest.mark.parametrize("rate, shown", [(np.inf, "Inf"), (np.nan, "NaN"), (-0.1, "-0.1"),
                                         (True, "TRUE")])
def test_optimizer_refuses_a_rate_it_cannot_train_with(rate, shown):
    with pytest.raises(RkValueError, match=f"`learning_rate` must be a finite number >= 0.*"
                                           f"not {shown}"):
        API["optimizer_sgd"](learning_rate=rate)
    with pytest.raises(RkValueError, match="`learning_rate` must be a finite number"), \
            pytest.warns(A.RkDeprecationWarning):
        API["optimizer_adam"](lr=rate, decay=0.01)  # keras 2.x's names: time-based decay
    with pytest.raises(RkValueError, match="`initial_learning_rate` must be a finite number"):
        API["learning_rate_schedule_exponential_decay"](
            initial_learning_rate=rate, decay_steps=10, decay_rate=0.9)


def test_optimizer_takes_zero_and_schedules():
    assert float(API["optimizer_sgd"](learning_rate=0).learning_rate) == 0
    schedule = API["learning_rate_schedule_exponential_decay"](
        initial_learning_rate=0.1, decay_steps=10, decay_rate=0.9)
    assert API["optimizer_sgd"](learning_rate=schedule).learning_rate is not None


def _fit_with(schedule) -> None:
    m = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    m.compile(optimizer="sgd", loss="mse")
    cb = API["callback_learning_rate_scheduler"](schedule=schedule)
    M.fit(m, np.ones((4, 2)), np.ones(4), epochs=3, verbose=0, callbacks=[cb])


@pytest.mark.parametrize("value, shown", [(np.inf, "Inf"), (np.nan, "NaN"), (-1.0, "-1")])
def test_scheduler_refuses_a_bad_rate_naming_the_epoch(value, shown):
    def schedule(epoch, lr):
        return 0.01 if epoch < 2 else value
    with pytest.raises(RkValueError, match=f"callback_learning_rate_scheduler\\(\\)\\) returned "
                                           f"{shown} at epoch 2: it must return a finite"):
        _fit_with(schedule)


def test_scheduler_returning_na_is_an_error_not_a_rate_of_1():
    # R's NA reaches the engine as its NA marker (R/callables.R); reticulate would make TRUE
    with pytest.raises(RkCallbackError, match="`schedule`.* returned NA"):
        _fit_with(r_function(lambda epoch, lr: A.NA, "`schedule` of "
                             "callback_learning_rate_scheduler()"))
    with pytest.raises(RkValueError, match="must return one number, not array\\(True"):
        _fit_with(lambda epoch, lr: True)
