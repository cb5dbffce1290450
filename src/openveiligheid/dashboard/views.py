from django.http import HttpResponse


def overzicht(request):
    return HttpResponse("placeholder")


def indicator_detail(request, key):
    return HttpResponse("placeholder")
