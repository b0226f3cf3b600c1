"""After voting, "Voted ✓ Undo" fits its button and the button its column, on a laptop and a
phone (the session board and the session's own page)."""

import pytest

from events.program import services as program
from tests.e2e.conftest import DESKTOP, screenshot
from tests.events.program_helpers import make_board, propose

pytestmark = pytest.mark.django_db(transaction=True)

PHONE_390 = {"width": 390, "height": 844}
FITS = """button => {
    const box = button.closest('.vote').getBoundingClientRect();
    const own = button.getBoundingClientRect();
    return {
        hidden: button.scrollWidth - button.clientWidth,
        beyond: Math.max(own.right - box.right, box.left - own.left),
    };
}"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE_390], ids=["1280", "390"])
def test_the_voted_button_fits_its_box(new_page, log_in, viewport):
    board = make_board()
    proposal = propose(board)
    program.vote_cast(proposal=proposal, user=board.attendee)
    page = new_page(viewport=viewport)
    log_in(page, board.attendee)

    for url in (f"/events/{board.event.slug}/sessions/", proposal.get_absolute_url()):
        page.goto(url)
        button = page.locator(".vote__button--on")
        assert button.inner_text().split() == ["Voted", "✓", "Undo"]
        assert button.evaluate(FITS) == {"hidden": 0, "beyond": 0}, url
    page.goto(f"/events/{board.event.slug}/sessions/")
    screenshot(page, "voted-board")
