import numpy as np
import pytest

from lab.sources.texts import _TEMPLATES, generate_texts, template_count


@pytest.mark.parametrize("family", sorted(_TEMPLATES))
def test_every_family_fills_every_slot(family):
    texts, offsets = generate_texts(family, 200, np.random.default_rng(0))
    assert len(texts) == 200 and offsets.shape == (200,)
    assert not any("{" in t or "}" in t for t in texts)
    assert len(set(texts)) > min(20, template_count(family))


def test_more_complex_phrasings_are_longer_on_average():
    texts, offsets = generate_texts("policy_reasoning", 500, np.random.default_rng(1))
    texts2, offsets2 = generate_texts("chit_chat", 500, np.random.default_rng(1))
    assert np.mean([len(t) for t in texts]) > 2 * np.mean([len(t) for t in texts2])
    assert offsets.mean() > offsets2.mean()
