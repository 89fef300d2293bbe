"""Evidence fixtures: a buyer, the product model's listing photo on file, API clients per user, and
images built at test time (a product model, its listing photo, independent photos of it)."""

from __future__ import annotations

import numpy as np
import pytest

from anxin.evidence import services
from anxin.evidence.choices import EvidenceKind
from anxin.evidence.detectors.reference_match import ReferenceSet
from anxin.evidence.tests.factories import listing_bytes, make_buyer
from anxin.testing import evidence_photos as T


@pytest.fixture(scope="session")
def model() -> T.ProductModel:
    return T.make_model(7)


@pytest.fixture(scope="session")
def listing(model: T.ProductModel) -> np.ndarray:
    return T.render(model, np.random.default_rng(1), studio=True)


@pytest.fixture(scope="session")
def references(listing: np.ndarray) -> ReferenceSet:
    refs = ReferenceSet()
    refs.add("listing-7", listing)
    return refs


@pytest.fixture(scope="session")
def genuine_photo(model: T.ProductModel) -> np.ndarray:
    """The buyer's own photograph of the same model, with real damage on it."""
    return T.render(model, np.random.default_rng(2), damage="crack")


@pytest.fixture(scope="session")
def other_photo() -> np.ndarray:
    """A photograph of a different product, clean and photo-like."""
    return T.render(T.make_model(8), np.random.default_rng(3))


@pytest.fixture(autouse=True)
def reuse_index_dir(settings, tmp_path):
    """Each test starts with an empty reuse index of its own (never the data folder's)."""
    settings.ANXIN_EVIDENCE_INDEX_DIR = tmp_path / "evidence-index"
    return settings.ANXIN_EVIDENCE_INDEX_DIR


@pytest.fixture
def buyer(db):
    return make_buyer()


@pytest.fixture
def listed_model(product_model, brand_staff):
    """The product model with the merchant's listing photo on file (what claim photos are compared to)."""
    services.evidence_add(
        actor=brand_staff,
        product_model=product_model,
        kind=EvidenceKind.LISTING_PHOTO,
        data=listing_bytes(),
        filename="main.jpg",
    )
    return product_model


@pytest.fixture
def client_for(api_client, token_for):
    """An API client signed in as ``user`` with a fresh bearer token."""
    return lambda user: api_client(token_for(user))
