// model_card.md: the model card (model_card.h) for people, every number
// taken from the JSON card so the two cannot disagree.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace kplab {

std::string model_card_markdown(const nlohmann::json& card);

}  // namespace kplab
