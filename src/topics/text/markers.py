"""The headings that open a list of links to other articles on a news page.

Cleaning (:mod:`topics.text.cleaning`) drops such a heading and the list after it: the headlines
and teasers of other articles are not the article, and their subjects would become its subject.
A heading is matched as the whole line, or as the line's start before a colon, in any case.
"""

from __future__ import annotations

__all__ = ["RELATED_MARKERS"]

#: Lines that open a list of links to other articles (lower case; the whole line, or the line's
#: start before a colon): what follows them is not the article.
RELATED_MARKERS = (
    "mehr zum thema",
    "weiteres",
    "verwandte nachrichten",
    "verwandte artikel",
    "verwandte beiträge",
    "verwandte themen",
    "ähnliche nachrichten",
    "ähnliche artikel",
    "ähnliche beiträge",
    "weitere nachrichten",
    "weitere artikel",
    "weitere beiträge",
    "weitere meldungen",
    "andere nachrichten",
    "neueste nachrichten",
    "aktuelle nachrichten",
    "top-nachrichten",
    "meistgelesen",
    "meistgelesene artikel",
    "empfohlene artikel",
    "lesen sie auch",
    "lesen sie mehr",
    "auch interessant",
    "das könnte sie auch interessieren",
    "das könnte sie interessieren",
    "siehe auch",
    "mehr dazu",
    "schlagwörter",
    "schlagworte",
    "stichwörter",
    "tags",
    # vietnam.vn's sections after an article ("Cùng chủ đề", "Cùng chuyên mục", "Cùng tác giả")
    # and other sites' headings of the same kind
    "gleiches thema",
    "zum gleichen thema",
    "zum selben thema",
    "gleiche kategorie",
    "aus der gleichen kategorie",
    "aus derselben kategorie",
    "gleiche rubrik",
    "mehr aus der rubrik",
    "mehr aus dieser rubrik",
    "gleicher autor",
    "vom selben autor",
    "vom gleichen autor",
    "desselben autors",
    "weitere themen",
    "ähnliche themen",
    "passend zum thema",
    "auch lesenswert",
    "zum weiterlesen",
    "empfehlungen der redaktion",
    "beliebte artikel",
    "meistgelesene nachrichten",
    # The same headings in English and Vietnamese: the German editions of Vietnamese sites keep
    # parts of their English or Vietnamese page around the article (vietnam.vn's "Cùng chủ đề").
    # Not "read more" / "xem thêm" / "đọc thêm": such a button may stand inside the article.
    "related news",
    "related articles",
    "related posts",
    "related stories",
    "more news",
    "latest news",
    "most read",
    "most popular",
    "see also",
    "you may also like",
    "tin liên quan",
    "bài liên quan",
    "tin khác",
    "tin cùng chuyên mục",
    "cùng chủ đề",
    "cùng chuyên mục",
    "cùng tác giả",
    "tin mới nhất",
    "tin đọc nhiều",
    "đọc nhiều nhất",
    "từ khóa",
)
