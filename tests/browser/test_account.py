"""Journey 4: a shopper edits their profile in place with htmx, switches the language with the
navbar's switcher and back (the choice outlives the page, SPEC §6), and deletes their account."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from apps.users.models import Profile
from tests.browser.steps import log_in, same_document
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

TOO_LONG = "x" * 151  # the names hold 150 characters (SPEC §3)


def test_a_shopper_edits_the_profile_switches_the_language_and_deletes_the_account(
    page, live_server, shopper
):
    questions = []

    def answer(dialog):  # the hx-confirm question before a deletion
        questions.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    log_in(page, "shopper")  # the browser asks for English
    main, navbar = page.get_by_role("main"), page.get_by_role("navigation", name="Main navigation")

    # The profile, from the navbar.
    navbar.get_by_role("link", name="shopper").click()
    expect(page).to_have_url(re.compile(rf"/users/profile/{shopper.profile.pk}/$"))
    expect(main.get_by_role("heading", name="My profile")).to_be_visible()
    card = page.locator("#profile-card")
    expect(card.get_by_role("heading", name="Анна Иванова")).to_be_visible()

    with same_document(page):
        # Edit swaps the form into the card, the cursor in its first field.
        card.get_by_role("link", name="Edit").click()
        first_name, last_name = card.get_by_label("First name"), card.get_by_label("Last name")
        expect(first_name).to_have_value("Анна")
        expect(first_name).to_be_focused()
        expect(last_name).to_have_value("Иванова")

        # A name too long is refused at its field, and nothing is saved. The browser would stop
        # typing at the field's maxlength: take it away, as a client that ignores it would.
        first_name.evaluate("input => input.removeAttribute('maxlength')")
        first_name.fill(TOO_LONG)
        last_name.fill("Петрова")
        card.get_by_role("button", name="Save").click()
        expect(card.get_by_text("Ensure this value has at most 150 characters")).to_be_visible()
        expect(first_name).to_have_value(TOO_LONG)
        shopper.profile.refresh_from_db()
        assert (shopper.profile.first_name, shopper.profile.last_name) == ("Анна", "Иванова")

        # Cancel brings back the card as it was.
        card.get_by_role("link", name="Cancel").click()
        expect(card.get_by_role("heading", name="Анна Иванова")).to_be_visible()
        expect(card.get_by_role("textbox")).to_have_count(0)

        # Save swaps back the card with the new names, and says so.
        card.get_by_role("link", name="Edit").click()
        card.get_by_label("First name").fill("Maria")
        card.get_by_label("Last name").fill("Petrova")
        card.get_by_role("button", name="Save").click()
        expect(card.get_by_role("heading", name="Maria Petrova")).to_be_visible()
        expect(card.get_by_role("textbox")).to_have_count(0)
        expect(
            page.get_by_role("status").filter(has_text="The profile has been saved.")
        ).to_be_visible()
    shopper.profile.refresh_from_db()
    assert (shopper.profile.first_name, shopper.profile.last_name) == ("Maria", "Petrova")
    page.reload()
    expect(card.get_by_role("heading", name="Maria Petrova")).to_be_visible()
    expect(main.get_by_role("heading", name="Recent activity")).to_be_visible()
    expect(main.get_by_text("Profile updated")).to_be_visible()

    # Russian, chosen with the switcher: the same page comes back in Russian, and stays so.
    navbar.get_by_role("button", name="RU").click()
    navbar = page.get_by_role("navigation", name="Главное меню")
    expect(main.get_by_role("heading", name="Мой профиль")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/users/profile/{shopper.profile.pk}/$"))
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(navbar.get_by_role("button", name="RU")).to_have_attribute("aria-pressed", "true")
    navbar.get_by_role("link", name=re.compile(r"^Корзина")).click()
    expect(main.get_by_role("heading", name="Ваша корзина")).to_be_visible()  # kept
    navbar.get_by_role("link", name="shopper").click()
    expect(main.get_by_role("heading", name="Мой профиль")).to_be_visible()

    # And back to English.
    navbar.get_by_role("button", name="EN").click()
    navbar = page.get_by_role("navigation", name="Main navigation")
    expect(main.get_by_role("heading", name="My profile")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/")
    expect(navbar.get_by_role("link", name="Catalogue", exact=True)).to_be_visible()
    navbar.get_by_role("link", name="shopper").click()

    # The account: its delete page says what goes with it.
    main.get_by_role("link", name="Delete account").click()
    expect(page).to_have_url(re.compile(rf"/users/user/delete/{shopper.pk}/$"))
    expect(main.get_by_role("heading", name="Delete your account")).to_be_visible()
    expect(main.get_by_text("the profile (Maria Petrova)")).to_be_visible()
    password = main.get_by_label("Password")

    # A wrong password is refused in place, after the question; the account stays.
    with same_document(page):
        password.fill("not-my-password")
        main.get_by_role("button", name="Delete account").click()
        expect(main.get_by_text("The password is not correct.")).to_be_visible()
        expect(password).to_have_value("")  # never sent back to the page
    assert questions == ["Delete the account for good?"]
    assert get_user_model().objects.filter(pk=shopper.pk).exists()

    # The right one deletes it: logged out, on the front page, with a goodbye.
    password.fill(PASSWORD)
    main.get_by_role("button", name="Delete account").click()
    expect(
        page.get_by_role("status").filter(has_text="Your account has been deleted.")
    ).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(navbar.get_by_role("link", name="Log in")).to_be_visible()
    expect(navbar.get_by_role("link", name="shopper")).to_have_count(0)
    assert questions == ["Delete the account for good?"] * 2
    assert not get_user_model().objects.filter(username="shopper").exists()
    assert not Profile.objects.filter(pk=shopper.profile.pk).exists()

    # Logging in again fails.
    navbar.get_by_role("link", name="Log in").click()
    page.locator("[name=login]").fill("shopper")
    page.locator("[name=password]").fill(PASSWORD)
    page.locator("[name=password]").press("Enter")
    expect(
        main.get_by_text("The username and/or password you specified are not correct.")
    ).to_be_visible()
    expect(navbar.get_by_role("link", name="Log in")).to_be_visible()
