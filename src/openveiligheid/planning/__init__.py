"""The web pages where a municipality works in its plan: goals, targets, activities and their
status, money per goal, texts and "doel gehaald". Thin views over ``policy`` services."""
