"""The ranking as CSV for Excel: UTF-8 with a BOM, one row per review with every criterion."""
import csv
import io

from webapp.review.services.ranking import ranking


def ranking_csv(call):
    rows, _offsets = ranking(call)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    names = [c.name for c in call.criteria]
    writer.writerow(["排名", "申报编号", "题目", "学科", "作者", "评审专家", *names, "加权得分", "推荐意见",
                     "给作者的意见", "给组织者的保密意见", "平均分", "分差", "校准分", "意见分歧", "结果"])
    for row in rows:
        s = row["submission"]
        authors = "；".join(f"{a.name}（{a.institution}）" if a.institution else a.name for a in s.authors)
        common = [row["rank"] or "", s.id, s.title, s.discipline, authors]
        tail = [_n(row["mean"]), _n(row["spread"]), _n(row["calibrated"]), "是" if row["disagreement"] else "否",
                _decision(s)]
        if not row["reviews"]:
            writer.writerow([*common, "", *[""] * len(names), "", "", "", "", *tail])
        for a in row["reviews"]:
            r = a.review
            writer.writerow([*common, a.reviewer.display_name, *[r.scores.get(n, "") for n in names],
                             _n(r.weighted_score), r.recommendation_enum.title if r.recommendation_enum else "",
                             r.comments_to_authors, r.comments_to_organisers, *tail])
    return out.getvalue()


def _n(value):
    return "" if value is None else f"{value:.2f}"


def _decision(s):
    from webapp.review.services.decisions import decision_title

    return decision_title(s) or ""
