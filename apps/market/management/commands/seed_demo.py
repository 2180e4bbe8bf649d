from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from PIL import Image, ImageDraw, ImageOps

from apps.market import pictures
from apps.market.models import Category, Product, ProductImage
from apps.orders.demo import create_demo_orders
from apps.orders.models import Order
from shop.tasks import in_process

STAFF_LOGIN = "admin"
STAFF_PASSWORD = "admin12345"  # noqa: S105  (a demo password, printed on purpose; debug only)
SHOPPER_LOGIN = "shopper"
SHOPPER_PASSWORD = "shopper12345"  # noqa: S105

# {root: {subcategory: [(name, price, stock, description), ...]}}
# fmt: off
CATALOGUE = {
    "Электроника": {
        "Смартфоны": [
            ("Смартфон Galaxy A55 8/256 ГБ", "32990.00", 14, "AMOLED-экран 6,6″, тройная камера 50 Мп, защита IP67."),
            ("Смартфон Redmi Note 13 Pro 8/256 ГБ", "27490.00", 22, "Камера 200 Мп, быстрая зарядка 67 Вт."),
            ("Смартфон POCO X6 12/512 ГБ", "29990.00", 0, "Процессор Snapdragon 7s Gen 2, экран 120 Гц."),
            ("Смартфон realme 12 8/256 ГБ", "19990.00", 9, "Аккумулятор 5000 мА·ч, NFC."),
        ],
        "Ноутбуки": [
            ("Ноутбук Huawei MateBook D 16", "64990.00", 5, "Intel Core i5, 16 ГБ ОЗУ, SSD 512 ГБ."),
            ("Ноутбук ASUS Vivobook 15", "49990.00", 7, "AMD Ryzen 5, 8 ГБ ОЗУ, экран Full HD."),
            ("Ноутбук Lenovo IdeaPad Slim 3", "54990.00", 3, "Лёгкий корпус 1,6 кг, до 10 часов работы."),
            ("Ноутбук игровой MSI Thin GF63", "89990.00", 2, "GeForce RTX 4050, экран 144 Гц."),
        ],
        "Наушники": [
            ("Наушники беспроводные Sony WH-1000XM5", "34990.00", 6, "Активное шумоподавление, 30 часов работы."),
            ("Наушники-вкладыши JBL Tune 230NC", "7990.00", 18, "Шумоподавление, защита от брызг IPX4."),
            ("Наушники проводные Sennheiser HD 206", "2990.00", 25, "Закрытые, кабель 3 м."),
            ("Наушники детские Defender FreeMotion", "1490.00", 0, "Ограничение громкости 85 дБ."),
        ],
        "Аксессуары": [
            ("Зарядное устройство USB-C 65 Вт", "2490.00", 40, "GaN, два порта USB-C и один USB-A."),
            ("Внешний аккумулятор 20 000 мА·ч", "3290.00", 31, "Быстрая зарядка Power Delivery 22,5 Вт."),
            ("Чехол-книжка для смартфона", "990.00", 55, "Экокожа, отделение для карт."),
            ("Кабель USB-C — Lightning 1 м", "1290.00", 0, "Сертифицирован MFi."),
        ],
    },
    "Дом и кухня": {
        "Посуда": [
            ("Сковорода с антипригарным покрытием 28 см", "2790.00", 16, "Подходит для индукционных плит."),
            ("Набор кастрюль из нержавеющей стали, 6 предметов", "6490.00", 8, "Толстое дно, стеклянные крышки."),
            ("Чайник заварочный стеклянный 800 мл", "890.00", 27, "Жаропрочное стекло, сито из нержавеющей стали."),
            ("Набор тарелок «Скандинавия», 12 предметов", "3490.00", 4, "Керамика, можно мыть в посудомоечной машине."),
        ],
        "Текстиль": [
            ("Комплект постельного белья, евро, сатин", "4990.00", 12, "100 % хлопок, плотность 120 г/м²."),
            ("Плед флисовый 150×200 см", "1590.00", 20, "Мягкий и лёгкий, не скатывается."),
            ("Полотенце махровое 70×140 см", "790.00", 48, "Хлопок, плотность 450 г/м²."),
            ("Подушка анатомическая с эффектом памяти", "2890.00", 0, "Съёмный чехол на молнии."),
        ],
        "Бытовая техника": [
            ("Чайник электрический 1,7 л", "2190.00", 19, "Мощность 2200 Вт, подсветка, автоотключение."),
            ("Пылесос вертикальный беспроводной", "15990.00", 6, "До 45 минут работы, циклонный фильтр."),
            ("Мультиварка 5 л, 45 программ", "6990.00", 9, "Отложенный старт, поддержание тепла."),
            ("Кофемашина капсульная", "8990.00", 3, "Давление 19 бар, резервуар 0,7 л."),
        ],
    },
    "Одежда и обувь": {
        "Мужская одежда": [
            ("Куртка мужская демисезонная", "7990.00", 10, "Водоотталкивающая ткань, капюшон."),
            ("Джинсы мужские прямые", "3490.00", 24, "Хлопок с эластаном, классическая посадка."),
            ("Свитер мужской шерстяной", "4290.00", 0, "Шерсть мериноса 50 %."),
            ("Футболка мужская базовая", "990.00", 60, "100 % хлопок."),
        ],
        "Женская одежда": [
            ("Платье женское летнее", "2990.00", 15, "Вискоза, длина миди."),
            ("Пальто женское шерстяное", "12990.00", 4, "Шерсть 70 %, подкладка."),
            ("Блузка женская из льна", "2490.00", 11, "Свободный крой, натуральный лён."),
            ("Юбка плиссированная миди", "2790.00", 7, "Сатин, эластичный пояс."),
        ],
        "Обувь": [
            ("Кроссовки беговые", "6490.00", 13, "Амортизирующая подошва, сетчатый верх."),
            ("Ботинки зимние мужские", "8990.00", 5, "Натуральная кожа, мех, до −30 °C."),
            ("Сапоги женские на каблуке", "9990.00", 0, "Замша, высота каблука 6 см."),
            ("Тапочки домашние войлочные", "1290.00", 30, "Войлок из овечьей шерсти."),
        ],
    },
    "Книги": {
        "Художественная литература": [
            ("Булгаков М. «Мастер и Маргарита»", "690.00", 35, "Твёрдый переплёт, 480 страниц."),
            ("Толстой Л. «Война и мир». Комплект в 2 томах", "1490.00", 12, "Подарочное издание."),
            ("Достоевский Ф. «Преступление и наказание»", "540.00", 28, "Серия «Русская классика»."),
            ("Чехов А. «Рассказы»", "450.00", 0, "Избранные рассказы, мягкая обложка."),
        ],
        "Детские книги": [
            ("Пушкин А. «Сказки» с иллюстрациями", "890.00", 17, "Большой формат, иллюстрации Билибина."),
            ("Успенский Э. «Дядя Фёдор, пёс и кот»", "590.00", 21, "Для детей от 6 лет."),
            ("Энциклопедия для малышей «Почемучка»", "1190.00", 9, "Ответы на 500 детских вопросов."),
        ],
        "Нон-фикшн": [
            ("«Краткая история времени». Стивен Хокинг", "790.00", 14, "Научно-популярная классика."),
            ("«Пиши, сокращай». Ильяхов М., Сарычева Л.", "1290.00", 23, "Как создавать сильный текст."),
            ("«Атлас мира». Настольное издание", "1990.00", 6, "Актуальные карты, 2026 год."),
        ],
    },
    "Спорт и отдых": {
        "Туризм": [
            ("Палатка туристическая трёхместная", "8990.00", 8, "Двухслойная, водостойкость 3000 мм."),
            ("Рюкзак туристический 60 л", "5490.00", 11, "Регулируемая спинка, чехол от дождя."),
            ("Спальный мешок до −5 °C", "3990.00", 0, "Кокон, компрессионный мешок в комплекте."),
            ("Термос стальной 1 л", "1690.00", 26, "Сохраняет тепло до 24 часов."),
        ],
        "Фитнес": [
            ("Коврик для йоги 6 мм", "1490.00", 33, "Нескользящее покрытие, ремешок для переноски."),
            ("Гантели разборные 2×10 кг", "4990.00", 7, "Хромированные грифы, обрезиненные блины."),
            ("Скакалка скоростная", "590.00", 45, "Стальной трос, подшипники в ручках."),
            ("Фитнес-браслет с пульсометром", "3290.00", 12, "Шагомер, контроль сна, 14 дней работы."),
        ],
    },
}
# fmt: on


class Command(BaseCommand):
    help = (
        "Load the demo catalogue into an empty database and create demo staff and shopper "
        "accounts with known passwords. Refuses to run with debug off."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates accounts with known passwords, so it runs only with "
                "DJANGO_DEBUG=1 (as `make run` does)."
            )
        # The demo orders' emails would go to made-up addresses: they go nowhere.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            with transaction.atomic():
                if Product.objects.exists() or Category.objects.exists():
                    self.stdout.write("The catalogue already has data; it is left as it is.")
                else:
                    created = self.load_catalogue()
                    self.stdout.write(self.style.SUCCESS(f"Loaded {created} demo products."))
                staff = self.ensure_user(
                    STAFF_LOGIN, STAFF_PASSWORD, is_staff=True, is_superuser=True
                )
                shopper = self.ensure_user(SHOPPER_LOGIN, SHOPPER_PASSWORD)
                if not Order.objects.exists():
                    created = create_demo_orders(shopper, staff)
                    self.stdout.write(self.style.SUCCESS(f"Placed {created} demo orders."))
            in_process.wait()  # their emails, sent after the commit
        self.stdout.write(
            f"Staff login: {STAFF_LOGIN} / password: {STAFF_PASSWORD}\n"
            f"Shopper login: {SHOPPER_LOGIN} / password: {SHOPPER_PASSWORD}"
        )

    def load_catalogue(self):
        products = []
        for root_name, children in CATALOGUE.items():
            root = Category.objects.create(name=root_name)
            for child_name, items in children.items():
                child = Category.objects.create(name=child_name, parent=root)
                products += [
                    Product(
                        name=name,
                        price=Decimal(price),
                        stock=stock,
                        description=description,
                        category=child,
                    )
                    for name, price, stock, description in items
                ]
        Product.objects.bulk_create(products)
        for number, product in enumerate(products):
            picture = pictures.from_image(draw_picture(number, product.category.parent_id))
            ProductImage.objects.add(product, [picture])
        return len(products)

    def ensure_user(self, username, password, **flags):
        """Create the demo account, or reset its password to the printed one."""
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            user = get_user_model()(username=username, email=f"{username}@example.com", **flags)
        user.set_password(password)
        user.save()
        return user


# Soft colours for the demo's pictures, one pair per top-level category.
PALETTES = [
    ("#dbe7ff", "#3d6fd8"),
    ("#fde7d2", "#d9772b"),
    ("#e3f4e1", "#3f9a52"),
    ("#f3e3f7", "#9a4fb5"),
    ("#fff3c4", "#c99a12"),
    ("#dff3f4", "#2b8f97"),
]
PICTURE_SIZE = 600


def draw_picture(number, palette_number):
    """A picture for a demo product, drawn here (nothing is downloaded): a soft gradient and a
    simple shape, in the colours of its top-level category, varied by the product's number."""
    light, dark = PALETTES[palette_number % len(PALETTES)]
    size = PICTURE_SIZE
    turns = [
        None,
        Image.Transpose.ROTATE_90,
        Image.Transpose.ROTATE_180,
        Image.Transpose.ROTATE_270,
    ]
    gradient = Image.linear_gradient("L").resize((size, size))
    if turns[number % 4] is not None:
        gradient = gradient.transpose(turns[number % 4])
    image = ImageOps.colorize(gradient, black="#ffffff", white=light)
    draw = ImageDraw.Draw(image)
    inset = size // 5
    box = (inset, inset, size - inset, size - inset)
    shadow = tuple(c + size // 40 for c in box)
    shape = number % 3
    if shape == 0:
        draw.ellipse(shadow, fill="#c9ced6")
        draw.ellipse(box, fill=dark)
        draw.ellipse(
            (box[0] + inset, box[1] + inset // 2, box[2] - inset, box[1] + inset), fill=light
        )
    elif shape == 1:
        draw.rounded_rectangle(shadow, radius=size // 12, fill="#c9ced6")
        draw.rounded_rectangle(box, radius=size // 12, fill=dark)
        draw.rounded_rectangle(
            (box[0] + inset // 2, box[1] + inset // 2, box[2] - inset // 2, box[1] + inset),
            radius=size // 40,
            fill=light,
        )
    else:
        top, left, right = (size // 2, inset), (inset, size - inset), (size - inset, size - inset)
        draw.polygon([top, left, right], fill=dark)
        draw.ellipse(
            (size // 2 - inset // 2, size // 2, size // 2 + inset // 2, size // 2 + inset),
            fill=light,
        )
    return image
