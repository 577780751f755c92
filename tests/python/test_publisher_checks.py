"""checks: the clean public API rule (contract §4)."""

import pytest

from publisher.checks import check_document, forbidden_key_term

FILE = "picks/2026-02-21.json"


@pytest.mark.parametrize(
    ("doc", "key_path", "offender"),
    [
        ({"picks": [{"system_id": 1}]}, "$.picks[0].system_id", "key 'system_id'"),
        ({"subset_id": 1}, "$.subset_id", "key 'subset_id'"),
        ({"prediction_id": 1}, "$.prediction_id", "key 'prediction_id'"),
        ({"player_lookup": "x"}, "$.player_lookup", "key 'player_lookup'"),
        ({"g": {"edge_tier": "high"}}, "$.g.edge_tier", "key 'edge_tier'"),
        ({"confidenceScore": 0.9}, "$.confidenceScore", "key 'confidenceScore'"),
        ({"composite": 1}, "$.composite", "key 'composite'"),
        ({"stats": {"mae": 4.1}}, "$.stats.mae", "key 'mae'"),
        ({"min_threshold": 3}, "$.min_threshold", "key 'min_threshold'"),
        ({"model": "catboost"}, "$.model", "value 'catboost'"),
        ({"model": "XGBoost"}, "$.model", "value 'XGBoost'"),
        ({"model": "LightGBM"}, "$.model", "value 'LightGBM'"),
        ({"note": "Ensemble of models"}, "$.note", "value 'Ensemble of models'"),
        ({"note": "similarity"}, "$.note", "value 'similarity'"),
        ({"file": "model_v9.cbm"}, "$.file", "value 'model_v9.cbm'"),
        ({"note": "high edge pick"}, "$.note", "value 'high edge pick'"),
        ({"note": "Confidence 92%"}, "$.note", "value 'Confidence 92%'"),
        ({"note": "composite score"}, "$.note", "value 'composite score'"),
        ({"note": "MAE 4.2"}, "$.note", "value 'MAE 4.2'"),
        ({"v": "3f2a9c1d0b7e6f5a4c3b2a1908d7e6f5a4b3c2d1"}, "$.v", "value '3f2a9c1d"),
        ({"v": "build a1b2c3d"}, "$.v", "value 'build a1b2c3d'"),
        ({"v": "prediction-worker-00042-abc"}, "$.v", "value 'prediction-worker-00042-abc'"),
        ({"v": "nba_predictions.player_prop_predictions"}, "$.v", "value 'nba_predictions"),
        ({"v": ["ok", "from nba_raw.live_boxscores"]}, "$.v[1]", "value 'from nba_raw"),
        ({"v": "model_registry"}, "$.v", "value 'model_registry'"),
        ({"v": "pick_signal_tags"}, "$.v", "value 'pick_signal_tags'"),
        ({"v": "upcoming_player_game_context"}, "$.v", "value 'upcoming_player_game_context'"),
        ({"v": "player_game_summary"}, "$.v", "value 'player_game_summary'"),
        ({"v": "odds_player_points_props"}, "$.v", "value 'odds_player_points_props'"),
        ({"v": "nba_analytics"}, "$.v", "value 'nba_analytics'"),
        ({"$comment": "contract of model public_picks"}, "$.$comment", "value 'contract of model public_picks'"),
        ({"v": "read int_candidates_graded"}, "$.v", "value 'read int_candidates_graded'"),
        ({"v": "stg_nba_raw__live_boxscores"}, "$.v", "value 'stg_nba_raw__live_boxscores'"),
        ({"v": "props_admin.admin_picks"}, "$.v", "value 'props_admin.admin_picks'"),
        ({"model": "moving_average_v2"}, "$.model", "value 'moving_average_v2'"),
        ({"model": "zone_v12_202602"}, "$.model", "value 'zone_v12_202602'"),
        ({"windows": {"catboost_v9": {}}}, "$.windows.catboost_v9", "key 'catboost_v9'"),
    ],
)
def test_each_forbidden_category_is_caught(doc, key_path, offender):
    violations = check_document(FILE, doc)
    assert violations, doc
    message = violations[0]
    assert message.startswith(f"{FILE}: {key_path}: {offender}")


def test_clean_document_passes():
    doc = {
        "date": "2026-02-21", "generated_at": "2026-02-21T18:00:00Z", "model": "926A", "signal": "favorable",
        "groups": [{"id": 4, "name": "Best Value", "description": "Best value picks",
                    "stats": {"picks": 12, "hit_rate": 58.3, "hit_rate_low": 32.0, "hit_rate_high": 80.7, "roi": 11.4},
                    "picks": [{"player": "VJ Edgecombe", "team": "PHI", "prediction": 17.2, "line": 14.5,
                               "direction": "OVER", "result": "hit"},
                              {"player": "Nikola Jokić", "team": "DEN", "line": 27.5, "result": None}]}],
        "note": "Not enough picks today for a market read",
        "ids": ["deadbeef", "1234567", "2025-26"],
    }
    assert check_document(FILE, doc) == []


def test_key_terms_are_whole_segments():
    assert forbidden_key_term("hit_rate") is None
    assert forbidden_key_term("hedge") is None
    assert forbidden_key_term("prediction") is None
    assert forbidden_key_term("edge_tier") == "edge"
    assert forbidden_key_term("edgeTier") == "edge"
    assert forbidden_key_term("old_system_id") == "system_id"
    assert forbidden_key_term("systemIdOld") == "system_id"
    # a term of several segments needs all of them, in its order: 'player' (player_lookup's first segment) is a public
    # key, and a key that starts with it but goes on otherwise is allowed too
    assert forbidden_key_term("player_name") is None
    assert forbidden_key_term("id_system") is None


def test_admin_files_are_not_checked_and_all_violations_are_reported():
    doc = {"system_id": "catboost_v9"}
    assert check_document("admin/models.json", doc) == []
    assert check_document("systems/models.json", doc) == [
        "systems/models.json: $.system_id: key 'system_id' (forbidden term 'system_id')",
        "systems/models.json: $.system_id: value 'catboost_v9' (matches algorithm name catboost)"]


def test_file_paths_are_checked_too_and_every_violation_is_listed_in_order():
    doc = {"groups": [{"edge": "catboost"}], "note": "fine"}
    assert check_document("catboost/x.json", doc) == [
        "catboost/x.json: (file path): path 'catboost/x.json' (matches algorithm name catboost)",
        "catboost/x.json: $.groups[0].edge: key 'edge' (forbidden term 'edge')",
        "catboost/x.json: $.groups[0].edge: value 'catboost' (matches algorithm name catboost)"]
