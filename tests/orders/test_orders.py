"""An order's life after the checkout (SPEC §8): the lists, the order page, staff's status
changes along the graph, cancelling (which returns the stock), the history and the CSV."""

import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from apps.history.models import HistoryUserApp
from apps.market.models import MAX_STOCK, Product
from apps.orders.models import Order, StatusRefused
from tests.orders.factories import place_order

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def order(shopper, shelf):
    return place_order(shopper, {shelf["kettle"]: 2, shelf["mug"]: 1})


def put(client, order, headers=None, **data):
    return client.put(f"/orders/{order.pk}/", urlencode(data), FORM, headers=headers or {})


def stock(product):
    return Product.objects.get(pk=product.pk).stock


def test_the_order_page_shows_everything_as_ordered(shopper_client, order, shelf):
    Product.objects.filter(pk=shelf["kettle"].pk).update(name="Другое имя", price=1)
    response = shopper_client.get(f"/orders/{order.pk}/", headers={"Accept-Language": "en"})
    html = response.text
    assert response.status_code == 200
    assert f"Order No. {order.pk}" in html
    assert "Чайник" in html
    assert "₽1,990.00" in html
    assert "₽4,330.50" in html  # 2 × 1990 + 350.50
    assert "Courier delivery" in html
    assert "Москва, ул. Тверская" in html
    assert "Позвоните за час" in html
    assert "Cancel order" in html  # new, and the asker owns it
    assert 'name="status"' not in html  # the staff form is for staff


def test_a_deleted_product_leaves_its_line(shopper_client, order, shelf):
    shelf["kettle"].delete()
    html = shopper_client.get(f"/orders/{order.pk}/").text
    assert "Чайник" in html
    assert order.lines.filter(product=None, name="Чайник").exists()


def test_a_deleted_account_leaves_its_orders(order, shopper, staff_client):
    shopper.delete()
    order.refresh_from_db()
    assert order.user is None
    assert order.email == "anna@example.com"
    assert staff_client.get(f"/orders/{order.pk}/").status_code == 200


def test_shoppers_list_their_own_orders_only(client, shopper, other_shopper, shelf):
    mine = place_order(shopper, {shelf["mug"]: 1})
    theirs = place_order(other_shopper, {shelf["mug"]: 1})
    client.force_login(shopper)
    orders = list(client.get("/orders/").context["page"].object_list)
    assert orders == [mine]
    assert client.get(f"/orders/{theirs.pk}/").status_code == 404


def test_the_list_is_newest_first_25_a_page_with_the_page_total(staff_client, shopper, shelf):
    orders = [place_order(shopper, {shelf["mug"]: 1}) for _ in range(3)]
    Product.objects.update(stock=100)
    orders += [place_order(shopper, {shelf["mug"]: 1}) for _ in range(24)]
    response = staff_client.get("/orders/")
    page = response.context["page"]
    assert [o.pk for o in page.object_list] == [o.pk for o in reversed(orders)][:25]
    assert response.context["page_total"] == 25 * shelf["mug"].price
    assert len(staff_client.get("/orders/?page=2").context["page"].object_list) == 2


def test_staff_filters(staff_client, staff, shopper, other_shopper, shelf):
    Product.objects.update(stock=100)
    first = place_order(shopper, {shelf["mug"]: 1}, name="Пётр Первый", phone="+7 900 111-22-33")
    second = place_order(other_shopper, {shelf["kettle"]: 1}, email="vera@example.org")
    Order.objects.filter(pk=first.pk).update(created=timezone.now() - timedelta(days=10))
    second.move_to("confirmed", by=staff)

    def listed(**query):
        response = staff_client.get("/orders/", query)
        assert response.status_code == 200
        return [o.pk for o in response.context["page"].object_list]

    assert listed(status="confirmed") == [second.pk]
    assert listed(status="new") == [first.pk]
    assert listed(user="SHOPPER") == [first.pk]
    assert listed(user="shop") == []
    assert listed(q="пётр") == [first.pk]
    assert listed(q="111-22") == [first.pk]
    assert listed(q="vera@") == [second.pk]
    assert listed(q=f"{second.pk:05}") == [second.pk]  # the number, not a part of a phone
    assert first.pk in listed(q=f"№{first.pk}")
    today = timezone.localdate()
    assert listed(date_from=f"{today:%Y-%m-%d}") == [second.pk]
    assert listed(date_to=f"{today - timedelta(days=5):%Y-%m-%d}") == [first.pk]


def test_filters_that_find_nothing_say_what_was_asked_and_the_way_back(staff_client, order):
    query = {"status": "shipped", "q": "  пётр ", "date_from": "2026-02-01"}
    for headers in ({}, {"HX-Request": "true"}):
        html = staff_client.get("/orders/", query, headers=headers).text
        empty = re.search(r'id="order-results".*?</section>', html, re.S).group(0)
        assert "Нет заказов, подходящих под эти фильтры." in empty
        assert "Статус: Отправлен · Поиск: пётр · С: 2026-02-01" in empty
        assert 'href="/orders/"' in empty


@pytest.mark.parametrize(
    "query",
    [
        {"status": "lost"},
        {"date_from": "01.02.2026"},
        {"date_from": "2026-02-10", "date_to": "2026-02-01"},
        {"user": "x" * 151},
    ],
)
def test_invalid_filters_answer_422_with_errors(staff_client, order, query, htmx):
    response = staff_client.get("/orders/", query)
    assert response.status_code == 422
    assert list(response.context["page"].object_list) == []
    assert "alert" in response.text
    assert staff_client.get("/orders/", query, headers=htmx).status_code == 422


def test_htmx_gets_only_the_results(staff_client, order, htmx):
    response = staff_client.get("/orders/", {"status": "new"}, headers=htmx)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<section id="order-results"')


def test_staff_move_an_order_along_the_graph(staff_client, staff, order, shopper):
    for status in ("confirmed", "shipped", "delivered"):
        response = put(staff_client, order, status=status, paid="0")
        assert response.status_code == 303
        assert response["Location"] == f"/orders/{order.pk}/"
        order.refresh_from_db()
        assert order.status == status
    records = HistoryUserApp.objects.filter(status="order_status_changed").order_by("pk")
    assert [(r.user, r.actor, r.details["from"], r.details["to"]) for r in records] == [
        (shopper, staff, "new", "confirmed"),
        (shopper, staff, "confirmed", "shipped"),
        (shopper, staff, "shipped", "delivered"),
    ]
    assert {r.details["order"] for r in records} == {order.pk}


@pytest.mark.parametrize(
    ("start", "refused"),
    [
        ("new", ["shipped", "delivered"]),
        ("confirmed", ["new", "delivered"]),
        ("shipped", ["new", "confirmed", "cancelled"]),
        ("delivered", ["new", "confirmed", "shipped", "cancelled"]),
        ("cancelled", ["new", "confirmed", "shipped", "delivered"]),
    ],
)
def test_moves_off_the_graph_are_refused(staff_client, order, start, refused):
    Order.objects.filter(pk=order.pk).update(status=start)
    for status in refused:
        response = put(staff_client, order, status=status, paid="1")
        assert response.status_code == 422
        assert "status" in response.context["form"].errors
        order.refresh_from_db()
        assert (order.status, order.paid) == (start, False)


def test_paid_changes_alone_whatever_the_status(staff_client, order):
    Order.objects.filter(pk=order.pk).update(status="delivered")
    assert put(staff_client, order, status="delivered", paid="1").status_code == 303
    order.refresh_from_db()
    assert order.paid
    assert put(staff_client, order, status="delivered").status_code == 303  # unchecked: 0
    order.refresh_from_db()
    assert not order.paid
    assert not HistoryUserApp.objects.filter(status="order_status_changed").exists()


@pytest.mark.parametrize("paid", ["yes", "2", "true"])
def test_paid_is_1_or_0(staff_client, order, paid):
    assert put(staff_client, order, status="new", paid=paid).status_code == 422


def test_the_list_row_swaps_in_place(staff_client, order, htmx):
    headers = {**htmx, "HX-Target": f"order-{order.pk}"}
    response = put(staff_client, order, headers, status="confirmed", paid="0")
    assert response.status_code == 200
    location = response.headers["HX-Location"]
    assert f'"path": "/orders/{order.pk}/"' in location
    assert f'"target": "#order-{order.pk}"' in location
    assert '"push": "false"' in location  # the address bar stays on the list
    row = staff_client.get(f"/orders/{order.pk}/", headers=headers)
    assert row.status_code == 200
    assert row.text.lstrip().startswith(f'<li id="order-{order.pk}"')
    assert "Отправить" in row.text  # the next move: ship
    # A refused change comes back as the row with its error.
    refused = put(staff_client, order, headers, status="delivered", paid="0")
    assert refused.status_code == 422
    assert refused.text.lstrip().startswith(f'<li id="order-{order.pk}"')


def test_without_javascript_the_list_form_returns_to_the_list(staff_client, order):
    data = {"_method": "PUT", "status": "confirmed", "paid": "0", "next": "/orders/?status=new"}
    response = staff_client.post(f"/orders/{order.pk}/", data)
    assert response.status_code == 303
    assert response["Location"] == "/orders/?status=new"
    data["next"] = "https://evil.example.com/"
    data["status"] = "shipped"
    assert staff_client.post(f"/orders/{order.pk}/", data)["Location"] == f"/orders/{order.pk}/"


def test_the_owner_cancels_a_new_order_and_the_stock_comes_back(
    shopper_client, shopper, order, shelf
):
    assert (stock(shelf["kettle"]), stock(shelf["mug"])) == (3, 9)
    response = shopper_client.post(f"/orders/{order.pk}/cancel")
    assert response.status_code == 303
    order.refresh_from_db()
    assert order.status == "cancelled"
    assert (stock(shelf["kettle"]), stock(shelf["mug"])) == (5, 10)
    record = HistoryUserApp.objects.get(status="order_cancelled")
    assert (record.user, record.actor, record.details["order"]) == (shopper, shopper, order.pk)
    # Once is enough: a second cancel is refused and returns nothing.
    assert shopper_client.post(f"/orders/{order.pk}/cancel").status_code == 403
    assert stock(shelf["kettle"]) == 5


def test_stock_returned_to_a_product_restocked_to_the_most_it_holds_stops_there(
    shopper_client, order, shelf
):
    """Staff may set a stock up to the column's largest value; the units of a cancelled order
    then came back past it: on PostgreSQL "integer out of range", a 500 for the shopper."""
    Product.objects.filter(pk=shelf["kettle"].pk).update(stock=MAX_STOCK)
    assert shopper_client.post(f"/orders/{order.pk}/cancel").status_code == 303
    assert (stock(shelf["kettle"]), stock(shelf["mug"])) == (MAX_STOCK, 10)


def test_the_owner_cannot_cancel_a_confirmed_order(shopper_client, staff, order, shelf):
    order.move_to("confirmed", by=staff)
    assert shopper_client.post(f"/orders/{order.pk}/cancel").status_code == 403
    assert "Cancel order" not in shopper_client.get(f"/orders/{order.pk}/").text
    order.refresh_from_db()
    assert order.status == "confirmed"
    assert stock(shelf["kettle"]) == 3


@pytest.mark.parametrize(("status", "answer"), [("new", 303), ("confirmed", 303), ("shipped", 403)])
def test_staff_cancel_until_the_order_ships(staff_client, order, status, answer):
    Order.objects.filter(pk=order.pk).update(status=status)
    assert staff_client.post(f"/orders/{order.pk}/cancel/").status_code == answer


def test_another_shopper_gets_404(client, other_shopper, order):
    client.force_login(other_shopper)
    assert client.post(f"/orders/{order.pk}/cancel").status_code == 404
    order.refresh_from_db()
    assert order.status == "new"


def test_cancelling_skips_a_deleted_product(staff_client, order, shelf):
    shelf["kettle"].delete()
    assert staff_client.post(f"/orders/{order.pk}/cancel").status_code == 303
    assert stock(shelf["mug"]) == 10


def test_placing_writes_order_placed(order, shopper):
    record = HistoryUserApp.objects.get(status="order_placed")
    assert (record.user, record.actor, record.username) == (shopper, shopper, "shopper")
    assert record.details["order"] == order.pk


def test_the_history_page_names_the_order(staff_client, staff, order):
    order.move_to("confirmed", by=staff)
    html = staff_client.get("/history/", headers={"Accept-Language": "en"}).text
    assert f"order No. {order.pk}" in html
    assert "new → confirmed" in html


def test_a_deleted_owner_s_order_is_recorded_without_a_username(staff_client, staff, order):
    order.user.delete()
    order.refresh_from_db()
    order.move_to("confirmed", by=staff)
    record = HistoryUserApp.objects.get(status="order_status_changed")
    assert (record.user, record.username, record.actor) == (None, "", staff)


def test_the_profile_lists_the_last_five_orders(shopper_client, shopper, shelf):
    Product.objects.update(stock=100)
    orders = [place_order(shopper, {shelf["mug"]: 1}) for _ in range(7)]
    response = shopper_client.get(f"/users/profile/{shopper.profile.pk}/")
    assert [o.pk for o in response.context["orders"]] == [o.pk for o in orders[::-1][:5]]
    assert f'href="/orders/{orders[-1].pk}/"' in response.text
    assert f'href="/orders/{orders[1].pk}/"' not in response.text


def test_the_navbar_links_to_the_orders(client, shopper, staff):
    client.force_login(shopper)
    html = client.get("/", headers={"Accept-Language": "en"}).text
    assert re.search(r'href="/orders/"[^>]*>My orders<', html)
    client.force_login(staff)
    html = client.get("/", headers={"Accept-Language": "en"}).text
    assert re.search(r'class="dropdown-item" href="/orders/">Orders<', html)
    assert ">My orders<" not in html


def test_the_csv_export(staff_client, staff, shopper, shelf):
    Product.objects.update(stock=100)
    first = place_order(shopper, {shelf["kettle"]: 2, shelf["mug"]: 1}, name="=HYPERLINK(1)")
    second = place_order(shopper, {shelf["mug"]: 3}, delivery="pickup")
    second.move_to("confirmed", by=staff, paid=True)
    response = staff_client.get("/orders/export")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    day = timezone.localdate()
    assert response["Content-Disposition"] == f'attachment; filename="orders-{day:%Y-%m-%d}.csv"'
    assert not response.has_header("Content-Length")
    text = b"".join(response.streaming_content).decode("utf-8")
    header = "id,created,status,paid,name,email,phone,delivery,address,payment,total,items"
    assert text.startswith(f"\ufeff{header}\r\n")
    rows = text.lstrip("\ufeff").splitlines()[1:]
    assert rows[0].startswith(f"{first.pk},20")
    assert ",new,no,'=HYPERLINK(1),anna@example.com," in rows[0]
    assert rows[0].endswith(",on_delivery,4330.50,Чайник × 2; Кружка × 1")
    assert re.search(r",\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ,", rows[0])
    assert ",confirmed,yes," in rows[1]
    assert ",pickup,," in rows[1]


def test_the_csv_takes_the_list_filters(staff_client, staff, shopper, shelf):
    Product.objects.update(stock=100)
    place_order(shopper, {shelf["mug"]: 1})
    second = place_order(shopper, {shelf["mug"]: 1})
    second.move_to("cancelled", by=staff)
    text = b"".join(staff_client.get("/orders/export/", {"status": "cancelled"}).streaming_content)
    rows = text.decode("utf-8-sig").splitlines()[1:]
    assert [row.split(",")[0] for row in rows] == [str(second.pk)]
    assert staff_client.get("/orders/export", {"date_from": "nope"}).status_code == 422


def test_the_order_page_status_form_with_htmx(staff_client, order, htmx):
    refused = put(staff_client, order, htmx, status="delivered", paid="0")
    assert refused.status_code == 422
    assert refused.text.lstrip().startswith('<section id="order-status"')
    saved = put(staff_client, order, htmx, status="confirmed", paid="1")
    assert saved.status_code == 200
    assert saved["HX-Redirect"] == f"/orders/{order.pk}/"


def test_cancel_with_htmx_leaves_for_the_order_page(shopper_client, order, htmx):
    response = shopper_client.post(f"/orders/{order.pk}/cancel", headers=htmx)
    assert response["HX-Redirect"] == f"/orders/{order.pk}/"


def test_a_cancel_racing_a_confirmation_is_judged_on_the_order_as_it_is(
    shopper, staff, order, shelf
):
    """The shopper's page still says "new" when staff confirm it: the cancel that follows is
    judged under the order's lock against "confirmed", and refused."""
    stale = Order.objects.get(pk=order.pk)
    order.move_to("confirmed", by=staff)
    with pytest.raises(StatusRefused):
        stale.cancel(by=shopper)
    order.refresh_from_db()
    assert order.status == "confirmed"
    assert stock(shelf["kettle"]) == 3


def test_two_cancels_return_the_stock_once(staff, order, shelf):
    first, second = Order.objects.get(pk=order.pk), Order.objects.get(pk=order.pk)
    first.cancel(by=staff)
    with pytest.raises(StatusRefused):
        second.cancel(by=staff)
    assert stock(shelf["kettle"]) == 5
