from enlist.errors import field_path


def test_field_path_names_list_items_and_nested_fields_as_the_contract_does():
    assert field_path(["ids", 0]) == "ids[0]"
    assert field_path(("experience", "unit")) == "experience.unit"
    assert field_path(["documents", 2, "kind"]) == "documents[2].kind"
    assert field_path(["given_name"]) == "given_name"
    assert field_path([]) == "body"
